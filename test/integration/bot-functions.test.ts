/**
 * run-function on a real server: local functions from PARLEY_FUNCTIONS_DIR (each in a process
 * of its own) and a Function URL called as Studio calls it (form-encoded POST of parameters).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
let functionsDir: string;
let remote: Server;
let remoteUrl: string;
const remoteBodies: string[] = [];

beforeAll(async () => {
  functionsDir = mkdtempSync(join(tmpdir(), 'parley-functions-'));
  writeFileSync(
    join(functionsDir, 'lookup-order.js'),
    `globalThis.leak = (globalThis.leak ?? 0) + 1;
exports.handler = (context, event, callback) =>
  callback(null, { order: event.order, status: 'shipped', calls: globalThis.leak, flow: context.FLOW_SID });`,
  );
  writeFileSync(
    join(functionsDir, 'not-found.js'),
    `exports.handler = (context, event, callback) => {
  const response = new Twilio.Response();
  response.setStatusCode(404);
  response.setBody({ error: 'no such order' });
  callback(null, response);
};`,
  );
  writeFileSync(join(functionsDir, 'broken.js'), `exports.handler = () => { throw new Error('boom'); };`);
  remote = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      remoteBodies.push(`${req.method} ${req.headers['content-type']} ${body}`);
      res.writeHead(200, { 'content-type': 'text/plain' }).end('plain answer');
    });
  });
  await new Promise<void>((r) => remote.listen(0, '127.0.0.1', r));
  remoteUrl = `http://127.0.0.1:${(remote.address() as AddressInfo).port}/remote-fn`;
  parley = await startParley({ functionsDir });
});
afterAll(async () => {
  await parley?.stop();
  remote.closeAllConnections();
  await new Promise((r) => remote.close(r));
  rmSync(functionsDir, { recursive: true, force: true });
});

const fnState = (name: string, properties: Record<string, unknown>) => ({
  name,
  type: 'run-function',
  properties: { parameters: [{ key: 'order', value: '{{ flow.data.order }}' }], ...properties },
  transitions: [
    { event: 'success', next: 'ok' },
    { event: 'fail', next: 'ko' },
  ],
});

async function run(fn: ReturnType<typeof fnState>) {
  const definition = {
    initial_state: 'Trigger',
    states: [
      {
        name: 'Trigger',
        type: 'trigger',
        properties: {},
        transitions: [{ event: 'incomingRequest', next: fn.name }],
      },
      fn,
      {
        name: 'ok',
        type: 'send-message',
        properties: { body: `ok {{ widgets.${fn.name}.status_code }} {{ widgets.${fn.name}.body }}` },
        transitions: [],
      },
      {
        name: 'ko',
        type: 'send-message',
        properties: { body: `ko {{ widgets.${fn.name}.status_code }}` },
        transitions: [],
      },
    ],
  };
  const flow = await parley.api('POST', '/v1/Flows', { friendlyName: fn.name, definition });
  expect(flow.status).toBe(201);
  const { body: channel } = await parley.api('POST', '/v1/Channels', {
    flexFlowSid: parley.flexFlowSid,
    identity: `sam-${fn.name}`,
    chatUserFriendlyName: 'Sam',
  });
  const started = await parley.api('POST', `/v1/Flows/${flow.body.sid}/Executions`, {
    channelSid: channel.sid,
    parameters: { order: '10001' },
  });
  await parley.server.core.idle();
  const execution = (await parley.api('GET', `/v1/Flows/${flow.body.sid}/Executions/${started.body.sid}`))
    .body;
  const { messages } = (await parley.api('GET', `/v1/Channels/${channel.sid}/Messages`)).body;
  return {
    flowSid: flow.body.sid as string,
    outputs: execution.context.widgets[fn.name],
    said: messages.map((m: { body: string }) => m.body),
  };
}

describe('run-function', () => {
  it('runs a local function named by the URL, with the parameters as its event, in a fresh process', async () => {
    const first = await run(fnState('lookup', { url: 'https://my-service-4321.twil.io/lookup-order' }));
    expect(first.outputs).toMatchObject({
      status_code: 200,
      parsed: { order: '10001', status: 'shipped', calls: 1, flow: first.flowSid },
    });
    expect(first.said[0]).toMatch(/^ok 200 \{"order":"10001"/);
    // Nothing a function leaves in memory reaches the next call.
    expect((await run(fnState('again', { function_sid: 'lookup-order' }))).outputs.parsed.calls).toBe(1);
  });

  it('takes fail on a Twilio.Response with an error status, and on a function that throws', async () => {
    const missing = await run(fnState('missing', { url: '/not-found' }));
    expect(missing.outputs).toMatchObject({ status_code: 404, parsed: { error: 'no such order' } });
    expect(missing.said).toEqual(['ko 404']);
    const broken = await run(fnState('broken', { function_sid: 'broken' }));
    expect(broken.outputs).toMatchObject({ error: 'the function returned an error' });
    expect(broken.said).toEqual(['ko ']);
  });

  it('POSTs the parameters form-encoded to a Function URL that is not local', async () => {
    const remoteCall = await run(fnState('remote', { url: remoteUrl }));
    expect(remoteBodies).toEqual(['POST application/x-www-form-urlencoded;charset=utf-8 order=10001']);
    expect(remoteCall.said).toEqual(['ok 200 plain answer']);
    // A twil.io URL with no local function of its name fails along fail, without leaving the server.
    const twilio = await run(fnState('gone', { url: 'https://my-service-4321.twil.io/unknown-fn' }));
    expect(twilio.said).toEqual(['ko ']);
    expect(twilio.outputs).toMatchObject({ error: expect.stringContaining('no local function') });
    expect((await run(fnState('nowhere', { url: 'https://nowhere.invalid/unknown-fn' }))).said).toEqual([
      'ko ',
    ]);
  });
});

/**
 * The wrap-up time limit (a Flex Flow's `integration.wrapUpSeconds`) against a real server: a
 * chat left wrapping completes by itself once the limit runs out, marked
 * `attributes.wrapUp.autoCompleted`, keeping what the agent gave and freeing their capacity;
 * the desk is told when it will end; the limit survives a restart; the field is validated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import type { AgentChatDTO, OfferDTO, TaskDTO, WrapUpInfo } from '../../server/protocol.ts';
import {
  type AgentSocket,
  connectAgent,
  connectVisitor,
  next,
  openWebChannel,
  request,
  signIn,
} from '../helpers/clients.ts';
import { startParley, type TestParley } from '../helpers/server.ts';

let parley: TestParley;
const sockets: { close(): void }[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.close();
  await parley?.stop();
});

async function withLimit(wrapUpSeconds: number, options: Parameters<typeof startParley>[0] = {}) {
  parley = await startParley(options);
  const updated = await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
    integration: { wrapUpSeconds },
  });
  expect(updated.status).toBe(200);
}

async function availableAgent(): Promise<{ socket: AgentSocket; workerSid: string }> {
  const { token, worker } = await signIn(parley.url);
  const socket = await connectAgent(parley.url, token);
  sockets.push(socket);
  await request(socket, 'session:sync');
  await request(socket, 'activity:set', { activity: 'Available' });
  return { socket, workerSid: worker.sid };
}

/** A visitor writes; the agent accepts the offer. */
async function chatWith(agent: AgentSocket, name: string): Promise<AgentChatDTO> {
  const session = await openWebChannel(parley.url, {
    flexFlowSid: parley.flexFlowSid,
    customerFriendlyName: name,
  });
  const visitor = await connectVisitor(parley.url, session.token);
  sockets.push(visitor);
  const offered = next<OfferDTO>(agent, 'offer:new', (o) => o.customerName === name, 10_000);
  await request(visitor, 'message:send', { clientId: `c-${name}`, body: 'Hello' });
  const { reservation } = await offered;
  return request<AgentChatDTO>(agent, 'reservation:accept', { reservationSid: reservation.sid });
}

const completedChat = (agent: AgentSocket, taskSid: string, timeoutMs = 10_000) =>
  next<AgentChatDTO>(
    agent,
    'chat:updated',
    (c) => c.task.sid === taskSid && c.task.status === 'completed',
    timeoutMs,
  );

describe('wrap-up time limit', () => {
  it('completes a chat left wrapping by itself, keeping the disposition, and frees the agent', async () => {
    await withLimit(1);
    const { socket: agent, workerSid } = await availableAgent();
    expect((await parley.api('POST', `/v1/Workers/${workerSid}`, { capacity: 1 })).status).toBe(200);
    const chat = await chatWith(agent, 'Dana');
    expect(chat.wrapUpEndsAt).toBeNull();

    const wrapping = next<AgentChatDTO>(agent, 'chat:updated', (c) => c.task.status === 'wrapping');
    const completed = completedChat(agent, chat.task.sid);
    const before = Date.now();
    await request(agent, 'task:wrap', { taskSid: chat.task.sid, disposition: 'Resolved' });
    const { wrapUpEndsAt } = await wrapping;
    expect(Date.parse(wrapUpEndsAt ?? '') - before).toBeGreaterThan(500);
    expect(Date.parse(wrapUpEndsAt ?? '') - before).toBeLessThan(3000);

    const done = await completed;
    expect(done.wrapUpEndsAt).toBeNull();
    expect(done.task.reason).toBe('Wrap-up time limit reached');
    expect(done.task.attributes.wrapUp).toMatchObject({
      disposition: 'Resolved',
      workerSid,
      autoCompleted: true,
    } satisfies Partial<WrapUpInfo>);
    const stored = (await parley.api('GET', `/v1/Tasks/${chat.task.sid}`)).body as TaskDTO;
    expect(stored.status).toBe('completed');
    expect((stored.attributes.wrapUp as WrapUpInfo).autoCompleted).toBe(true);

    // Capacity 1: only a freed agent is offered the next chat.
    await chatWith(agent, 'Eli');
  });

  it('leaves a chat the agent completed in time as the agent completed it', async () => {
    await withLimit(1);
    const { socket: agent } = await availableAgent();
    const chat = await chatWith(agent, 'Dana');
    await request(agent, 'task:wrap', { taskSid: chat.task.sid });
    const done = await request<TaskDTO>(agent, 'task:complete', {
      taskSid: chat.task.sid,
      disposition: 'Escalated',
    });
    expect(done.status).toBe('completed');
    // A later chat completing by itself shows the earlier limit has fired (timers run in due order).
    const later = await chatWith(agent, 'Eli');
    const laterDone = completedChat(agent, later.task.sid);
    await request(agent, 'task:wrap', { taskSid: later.task.sid });
    await laterDone;
    const stored = (await parley.api('GET', `/v1/Tasks/${chat.task.sid}`)).body as TaskDTO;
    expect(stored.reason).not.toBe('Wrap-up time limit reached');
    expect(stored.attributes.wrapUp).toMatchObject({ disposition: 'Escalated' });
    expect((stored.attributes.wrapUp as WrapUpInfo).autoCompleted).toBeUndefined();
  });

  it('has no limit when the Flex Flow sets none', async () => {
    parley = await startParley();
    const { socket: agent } = await availableAgent();
    const chat = await chatWith(agent, 'Dana');
    const wrapped = await request<TaskDTO>(agent, 'task:wrap', { taskSid: chat.task.sid });
    expect(wrapped.status).toBe('wrapping');
    const [synced] = (await request<{ chats: AgentChatDTO[] }>(agent, 'session:sync')).chats;
    expect(synced?.wrapUpEndsAt).toBeNull();
  });

  it('survives a restart: the limit is a stored timer', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-wrap-up-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    await withLimit(3, { keepDataDir: dataDir });
    const { socket: agent } = await availableAgent();
    const chat = await chatWith(agent, 'Dana');
    await request(agent, 'task:wrap', { taskSid: chat.task.sid });
    agent.close();
    await parley.stop();
    parley = await startParley({ keepDataDir: dataDir });
    const { token } = await signIn(parley.url);
    const again = await connectAgent(parley.url, token);
    sockets.push(again);
    const completed = completedChat(again, chat.task.sid, 15_000);
    const { chats } = await request<{ chats: AgentChatDTO[] }>(again, 'session:sync');
    const pending = chats.find((c) => c.task.sid === chat.task.sid);
    // Either still wrapping (and told when it ends) or already completed while we reconnected.
    if (pending?.task.status === 'wrapping') {
      expect(pending.wrapUpEndsAt).toEqual(expect.any(String));
      await completed;
    }
    const stored = (await parley.api('GET', `/v1/Tasks/${chat.task.sid}`)).body as TaskDTO;
    expect(stored.status).toBe('completed');
    expect((stored.attributes.wrapUp as WrapUpInfo).autoCompleted).toBe(true);
  });

  it('refuses a wrapUpSeconds that is not a whole number of seconds from 1 to 86400, naming the field', async () => {
    parley = await startParley();
    for (const wrapUpSeconds of [0, -5, 1.5, 86_401, '90', null]) {
      const res = await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
        integration: { wrapUpSeconds },
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(
        /^body\.integration\.wrapUpSeconds: expected a whole number of seconds from 1 to 86400/,
      );
    }
    const ok = await parley.api('POST', `/v1/FlexFlows/${parley.flexFlowSid}`, {
      integration: { wrapUpSeconds: 90 },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.integration.wrapUpSeconds).toBe(90);
  });
});

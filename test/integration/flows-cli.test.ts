import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParley, type TestParley } from '../helpers/server.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const demoFlow = join(root, 'server/core/bot/demo-flow.json');
let dir: string;
let parley: TestParley;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-flows-'));
  parley = await startParley();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await parley.stop();
});

const parleyCli = (...args: string[]) =>
  run(process.execPath, ['bin/parley.js', 'flows', ...args], { cwd: root }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (e) => ({ code: e.code as number, out: (e.stdout ?? '') + (e.stderr ?? '') }),
  );

describe('parley flows', () => {
  it('validates a good flow and names the state of a bad one', async () => {
    expect(await parleyCli('validate', demoFlow)).toMatchObject({
      code: 0,
      out: expect.stringMatching(/is valid: \d+ states, starting at "Trigger"/),
    });
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({
        initial_state: 'T',
        states: [
          {
            name: 'T',
            type: 'trigger',
            properties: {},
            transitions: [{ event: 'incomingMessage', next: 'gone' }],
          },
        ],
      }),
    );
    const result = await parleyCli('validate', bad);
    expect(result.code).toBe(1);
    expect(result.out).toContain('state "T" goes to "gone" on incomingMessage, and no state has that name');
  });

  it('reports, per flow, what runs on Parley, what does not and why', async () => {
    const fixtures = join(root, 'test/fixtures/flows');
    const { code, out } = await parleyCli(
      'check',
      join(fixtures, 'order-support.json'),
      join(fixtures, 'survey-subflow.json'),
      join(fixtures, 'voice-ivr.json'),
      '--functions',
      join(fixtures, 'functions'),
    );
    expect(code).toBe(1);
    const [parent, subflow, voice] = out.split(/\n(?=\S)/);
    expect(parent).toContain(
      'supported:   trigger ×1, send-and-wait-for-reply ×2, split-based-on ×2, set-variables ×2, run-function ×1',
    );
    expect(parent).toContain('run-subflow ×1');
    expect(parent).toContain('reads {{ widgets.missing.value }}, which renders empty');
    expect(parent).toContain('=> runs on Parley (1 warning)');
    expect(subflow).toContain('=> runs on Parley');
    expect(voice).toContain('supported:   trigger ×1, split-based-on ×1');
    expect(voice).toContain('state "greeting" is a gather-input-on-call widget, which is voice-only');
    expect(voice).toContain('state "voicemail" is a record-voicemail widget, which is voice-only');
    expect(voice).toContain('=> does not run on Parley');
    expect(out.match(/the widget types Parley runs are/g)).toHaveLength(1);
    expect(out).toContain('2 of 3 flows run on Parley.');

    // Without its subflow's export, or without the functions folder, the parent says what is missing.
    const alone = await parleyCli('check', join(fixtures, 'order-support.json'));
    expect(alone.code).toBe(0);
    expect(alone.out).toContain('runs flow FW5a1d0c0ffee5a1d0c0ffee5a1d0c0ffe: no file given holds it');
    expect(alone.out).toContain(
      'calls the Function "lookup-order", which does not exist here: set PARLEY_FUNCTIONS_DIR',
    );
  });

  it('simulates a scripted chat, calling the flow’s HTTP widget for real', async () => {
    const script = join(dir, 'lines.txt');
    writeFileSync(script, 'hi\nTrack an order\n10003\nTalk to a person\n');
    const { code, out } = await parleyCli(
      'simulate',
      demoFlow,
      '--script',
      script,
      '--name',
      'Robin',
      '--base-url',
      parley.url,
    );
    expect(code).toBe(0);
    expect(out).toContain("bot: Hi Robin! I'm the Northwind assistant.");
    expect(out).toContain(`GET ${'/demo/orders/10003'}`);
    expect(out).toContain('bot: Order 10003: delivered.');
    expect(out).toContain(
      'handed over to an agent, task attributes {"name":"Robin","topic":"Talk to a person","orderNumber":"10003","orderStatus":"delivered"}',
    );
  });
});

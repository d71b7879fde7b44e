/**
 * Local functions run in child processes of their own: however many calls come at once (a
 * visitor looping a flow through a slow function in many chats), at most FUNCTION_CONCURRENCY
 * children run; the rest wait their turn. Run with the attack suite, alone (vitest.attack.config.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_CONCURRENCY, performRunFunction } from '../../server/core/bot/functions.ts';
import type { EgressPolicy } from '../../server/core/egress.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'parley-functions-'));
  mkdirSync(join(dir, 'running'));
  // Each child marks itself running, holds a while, and answers how many it saw running.
  writeFileSync(
    join(dir, 'slow.js'),
    `const fs = require('node:fs');
const path = require('node:path');
exports.handler = (context, event, callback) => {
  const running = path.join(event.dir, 'running');
  const mine = path.join(running, String(process.pid));
  fs.writeFileSync(mine, '');
  setTimeout(() => {
    const seen = fs.readdirSync(running).length;
    fs.unlinkSync(mine);
    callback(null, { seen });
  }, 1500);
};`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('local functions', () => {
  it(`run at most ${FUNCTION_CONCURRENCY} at once, the others in turn`, { timeout: 60_000 }, async () => {
    // Two rounds: the last calls wait one round for a turn, well inside the 10 s a call may wait
    // even when a busy machine takes seconds to start a child.
    const calls = FUNCTION_CONCURRENCY + 4;
    const outcomes = await Promise.all(
      Array.from({ length: calls }, () =>
        performRunFunction({ type: 'runFunction', functionSid: 'slow', parameters: { dir } } as never, {
          functionsDir: dir,
          egress: {} as EgressPolicy,
          context: {},
        }),
      ),
    );
    // The failures with their reasons, so a failing run says why.
    expect(outcomes.filter((o) => o.outcome !== 'success').map((o) => o.outputs)).toEqual([]);
    const seen = outcomes.map((o) => (o.outputs.parsed as { seen: number }).seen);
    expect(Math.max(...seen)).toBeLessThanOrEqual(FUNCTION_CONCURRENCY);
  });
});

import { describe, expect, it } from 'vitest';
import { formatReport, runChaos } from '../bench/chaos/run.ts';

describe('chaos: the server killed with SIGKILL while visitors and agents chat', () => {
  it('loses, duplicates and reorders no acknowledged message, and every view equals the store', async () => {
    const report = await runChaos({
      visitors: 4,
      agents: 2,
      kills: 5,
      durationMs: 6000,
      messageIntervalMs: 60,
      seed: 42,
    });
    console.log(formatReport(report));
    expect(report.kills).toBe(5);
    expect(report.acked).toBeGreaterThan(100);
    // Agents answered too: more acknowledged messages than the visitors alone wrote.
    expect(report.storedMessages).toBeGreaterThan(report.acked);
    expect({
      lost: report.lost,
      duplicated: report.duplicated,
      gaps: report.gaps,
      viewMismatches: report.viewMismatches,
      unacked: report.unacked,
    }).toEqual({ lost: 0, duplicated: 0, gaps: 0, viewMismatches: 0, unacked: 0 });
  }, 240_000);
});

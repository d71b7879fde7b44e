import { describe, expect, it } from 'vitest';
import { formatReport, runChaos } from '../bench/chaos/run.ts';

describe('graceful shutdown: SIGTERM while visitors and agents chat', () => {
  it('loses no acknowledged message, and every client catches up after the restart', async () => {
    const report = await runChaos({
      visitors: 4,
      agents: 2,
      kills: 3,
      durationMs: 4000,
      messageIntervalMs: 40,
      seed: 7,
      signal: 'SIGTERM',
    });
    console.log(formatReport(report));
    expect(report.kills).toBe(3);
    expect(report.acked).toBeGreaterThan(100);
    expect({
      lost: report.lost,
      duplicated: report.duplicated,
      gaps: report.gaps,
      viewMismatches: report.viewMismatches,
      unacked: report.unacked,
    }).toEqual({ lost: 0, duplicated: 0, gaps: 0, viewMismatches: 0, unacked: 0 });
  }, 240_000);
});

/**
 * Runs attacks against a running server, watching it around each: its resident memory above
 * idle, the slowest `/healthz` answer, the worst event-loop delay, its CPU time. A fresh
 * `parley demo` per run for most attacks, then a fresh `parley serve` for those that need the
 * production defaults; each attack leaves the server as it found it or the next one shows it.
 */
import { startTarget, type Watch, watch } from './target.ts';
import type { Attack, Attacker, AttackOutcome } from './tools.ts';

/** What each attack may cost the server at most. */
export const BOUNDS = { rssGrowthBytes: 300 * 1024 * 1024, healthzMs: 200, loopDelayMs: 200 };

export interface AttackReport extends AttackOutcome {
  finding: string;
  name: string;
  mode: 'demo' | 'serve';
  idleRssBytes: number;
  peakRssBytes: number;
  worstHealthzMs: number;
  healthzFailures: number;
  loopDelayMs: number;
  cpuMs: number;
  /** The server still answered after the attack. */
  alive: boolean;
  absorbed: boolean;
}

export async function runAttacks(
  attacks: Attack[],
  scale: number,
  onReport: (report: AttackReport) => void = () => {},
): Promise<AttackReport[]> {
  const reports: AttackReport[] = [];
  for (const mode of ['demo', 'serve'] as const) {
    const mine = attacks.filter((a) => (a.mode ?? 'demo') === mode);
    if (mine.length === 0) continue;
    const target = await startTarget(ENV[mode], mode);
    try {
      for (const attack of mine) {
        const attacker = { target, scale, address: `127.0.0.${10 + reports.length}` };
        const report = await runOne(attacker, attack);
        reports.push(report);
        onReport(report);
      }
    } finally {
      await target.stop();
    }
  }
  return reports;
}

const ENV = {
  demo: {
    // The attacker fills a chat fast; the limits under attack are the others.
    PARLEY_MESSAGES_PER_MINUTE: '100000',
    PARLEY_MESSAGES_PER_MINUTE_PER_IP: '1000000',
  },
  // A partner API on 127.0.0.1 is listed; the rest of the machine's network is not.
  serve: { PARLEY_HTTP_ALLOW: '127.0.0.1' },
};

async function runOne(attacker: Attacker, attack: Attack): Promise<AttackReport> {
  const { target } = attacker;
  const idleRssBytes = target.rssBytes();
  let outcome: AttackOutcome;
  let watcher: Watch | null = null;
  try {
    const prepared = await inTime(attack.prepare?.(attacker), 'setting the stage');
    watcher = await watch(target);
    outcome = await inTime(attack.run(attacker, prepared), 'the attack');
  } catch (err) {
    outcome = {
      tried: 0,
      seen: `the attack failed: ${(err as Error).message}`,
      checks: { 'the attack ran': false },
    };
  }
  watcher ??= await watch(target);
  const figures = await watcher.stop();
  const alive = await fetch(`${target.url}/healthz`).then(
    (r) => r.ok,
    () => false,
  );
  const absorbed =
    alive &&
    Object.values(outcome.checks).every(Boolean) &&
    figures.peakRssBytes - idleRssBytes <= BOUNDS.rssGrowthBytes &&
    figures.worstHealthzMs <= BOUNDS.healthzMs &&
    figures.healthzFailures === 0;
  return {
    finding: attack.finding,
    name: attack.name,
    mode: target.mode,
    ...outcome,
    idleRssBytes,
    ...figures,
    alive,
    absorbed,
  };
}

/** An attack that hangs (a reply that never comes) fails instead of stopping the suite. */
const ATTACK_TIMEOUT_MS = 180_000;

async function inTime<T>(work: Promise<T> | T, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} took over ${ATTACK_TIMEOUT_MS / 1000} s`)),
      ATTACK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** The reports as a Markdown table (docs/security.md keeps the last full run). */
export function formatReports(reports: AttackReport[]): string {
  const rows = reports.map(
    (r) =>
      `| ${r.finding} | ${r.name}${r.mode === 'serve' ? ' (serve)' : ''} | ${r.tried.toLocaleString('en')} | ${mb(r.idleRssBytes)} → ${mb(r.peakRssBytes)} | ${r.worstHealthzMs.toFixed(0)} ms | ${r.loopDelayMs.toFixed(0)} ms | ${r.cpuMs.toFixed(0)} ms | ${r.seen} | ${
        r.absorbed
          ? 'absorbed'
          : `**not absorbed**: ${
              Object.entries(r.checks)
                .filter(([, ok]) => !ok)
                .map(([what]) => what)
                .join('; ') || 'bounds'
            }`
      } |`,
  );
  return [
    '| finding | attack | tried | memory idle → peak | worst /healthz | worst loop delay | server CPU | what the server did | result |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

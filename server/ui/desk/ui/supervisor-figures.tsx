/**
 * The supervisor's figures over the last hours (`GET /v1/Figures`): a summary table, charts of
 * queue length, waiting time, chats per hour, handle time and CSAT, and each agent's status.
 * Read again every 30 s and shortly after any task or agent changes (the supervisor snapshot
 * the server pushes then), so a chat shows up while the supervisor looks.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { FiguresDTO, Sid } from '../../../protocol.ts';
import { loadFigures } from '../client/figures.ts';
import { AgentTimeline } from './agent-timeline.tsx';
import { useDesk, useDeskState } from './desk-context.ts';
import { type ChartSeries, FigureChart } from './figure-chart.tsx';
import { count, score, shortDuration, spoken } from './figures-format.ts';

/** The charts, in the order drawn: what each plots and how its values read. */
const CHARTS = [
  { key: 'queue', title: 'Queue length', format: count },
  { key: 'wait', title: 'Waiting time', format: shortDuration },
  { key: 'chats', title: 'Chats per hour', format: count },
  { key: 'handle', title: 'Handle time', format: shortDuration },
  { key: 'csat', title: 'CSAT', format: score },
] as const;

const REFRESH_MS = 30_000;
/** Changes come in bursts (offer, accept, join): one read after the burst. */
const SETTLE_MS = 1_000;
const PERIODS = [8, 24, 72];

function useFigures(hours: number, queueSid: Sid | null) {
  const { token } = useDesk();
  const { supervision } = useDeskState();
  const [figures, setFigures] = useState<FiguresDTO | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);

  const refresh = async () => {
    const ask = ++latest.current;
    try {
      const loaded = await loadFigures(token, hours, queueSid);
      if (ask !== latest.current) return;
      setFigures(loaded);
      setError(null);
    } catch (err) {
      if (ask === latest.current) setError(err instanceof Error ? err.message : String(err));
    }
  };
  // Each run's `refresh` reads the hours and queue it was made with.
  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [token, hours, queueSid]);
  // A new snapshot means tasks or agents changed.
  useEffect(() => {
    const timer = setTimeout(() => void refresh(), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [supervision]);
  return { figures, error };
}

function summaries(f: FiguresDTO, hours: number) {
  const t = f.totals;
  const peak = Math.max(0, ...f.buckets.map((b) => b.queueLength));
  return {
    queue: `At most ${peak} ${peak === 1 ? 'chat' : 'chats'} waiting at once; ${t.queueLength} waiting now.`,
    wait:
      t.answered > 0 || t.waitMaxSeconds !== null
        ? `${t.answered} ${t.answered === 1 ? 'chat' : 'chats'} answered; average wait ${
            t.waitAverageSeconds === null ? '–' : spoken(t.waitAverageSeconds)
          }, longest ${t.waitMaxSeconds === null ? '–' : spoken(t.waitMaxSeconds)}.`
        : 'No chat waited in these hours.',
    chats: `${t.chats} new ${t.chats === 1 ? 'chat' : 'chats'} in the last ${hours} hours.`,
    handle:
      t.handleAverageSeconds === null
        ? 'No chat was completed in these hours.'
        : `Average handle time ${spoken(t.handleAverageSeconds)}.`,
    csat:
      t.csatAverage === null
        ? 'No ratings in these hours.'
        : `CSAT ${score(t.csatAverage)} from ${t.csatCount} ${t.csatCount === 1 ? 'rating' : 'ratings'}.`,
  };
}

function chartSeries(f: FiguresDTO) {
  const of = (pick: (b: FiguresDTO['buckets'][number]) => number | null) => f.buckets.map(pick);
  const series: Record<'queue' | 'wait' | 'chats' | 'handle' | 'csat', ChartSeries[]> = {
    queue: [{ label: 'Most waiting', values: of((b) => b.queueLength), color: '--brand' }],
    wait: [
      { label: 'Average wait', values: of((b) => b.waitAverageSeconds), color: '--brand' },
      { label: 'Longest wait', values: of((b) => b.waitMaxSeconds), color: '--warn' },
    ],
    chats: [{ label: 'Chats per hour', values: of((b) => b.chatsPerHour), color: '--brand' }],
    handle: [{ label: 'Average handle time', values: of((b) => b.handleAverageSeconds), color: '--brand' }],
    csat: [{ label: 'CSAT', values: of((b) => b.csatAverage), color: '--ok' }],
  };
  return series;
}

export function SupervisorFigures() {
  const { supervision } = useDeskState();
  const [hours, setHours] = useState(8);
  const [queueSid, setQueueSid] = useState<Sid | null>(null);
  const { figures, error } = useFigures(hours, queueSid);
  const series = useMemo(() => (figures ? chartSeries(figures) : null), [figures]);
  const text = figures ? summaries(figures, hours) : null;
  const t = figures?.totals;

  return (
    <section class="figures" aria-labelledby="figures-title">
      <div class="figures__header">
        <h2 id="figures-title">Figures</h2>
        <label>
          Period{' '}
          <select value={hours} onChange={(e) => setHours(Number(e.currentTarget.value))}>
            {PERIODS.map((h) => (
              <option key={h} value={h}>
                Last {h} hours
              </option>
            ))}
          </select>
        </label>
        <label>
          Queue{' '}
          <select value={queueSid ?? ''} onChange={(e) => setQueueSid(e.currentTarget.value || null)}>
            <option value="">All queues</option>
            {supervision?.queues.map((q) => (
              <option key={q.sid} value={q.sid}>
                {q.friendlyName}
              </option>
            ))}
          </select>
        </label>
      </div>
      {error && (
        <p class="figures__error" role="alert">
          {error}
        </p>
      )}
      {!figures && !error && <p class="empty">Loading figures…</p>}
      {figures && t && text && series && (
        <>
          <table aria-label="Figures summary" class="figures__totals">
            <tbody>
              <tr>
                <th scope="row">New chats</th>
                <td>{t.chats}</td>
              </tr>
              <tr>
                <th scope="row">Answered</th>
                <td>{t.answered}</td>
              </tr>
              <tr>
                <th scope="row">Waiting now</th>
                <td>{t.queueLength}</td>
              </tr>
              <tr>
                <th scope="row">Average wait</th>
                <td>{t.waitAverageSeconds === null ? '–' : spoken(t.waitAverageSeconds)}</td>
              </tr>
              <tr>
                <th scope="row">Longest wait</th>
                <td>{t.waitMaxSeconds === null ? '–' : spoken(t.waitMaxSeconds)}</td>
              </tr>
              <tr>
                <th scope="row">Average handle time</th>
                <td>{t.handleAverageSeconds === null ? '–' : spoken(t.handleAverageSeconds)}</td>
              </tr>
              <tr>
                <th scope="row">CSAT</th>
                <td>
                  {t.csatAverage === null
                    ? '–'
                    : `${score(t.csatAverage)} (${t.csatCount} ${t.csatCount === 1 ? 'rating' : 'ratings'})`}
                </td>
              </tr>
            </tbody>
          </table>
          <div class="figures__charts">
            {CHARTS.map((chart) => (
              <FigureChart
                key={chart.key}
                id={`figures-${chart.key}`}
                title={chart.title}
                summary={text[chart.key]}
                buckets={figures.buckets}
                series={series[chart.key]}
                format={chart.format}
              />
            ))}
          </div>
          <AgentTimeline figures={figures} />
        </>
      )}
    </section>
  );
}

/**
 * Supervisors' figures over the last hours, in time buckets: queue length, waiting time
 * (created → accepted), chats per hour, handle time (accepted → completed or transferred),
 * CSAT, and each agent's status timeline. Computed from the stored task and worker events
 * only, never from memory, so they survive a restart and read the same on every node.
 *
 * A chat waits from its task's creation until an agent accepts it or it ends otherwise
 * (canceled, closed by the customer); offers declined or timed out do not stop the wait. Waits
 * and handle times count in the bucket where they ended; a chat still waiting counts in the
 * longest wait of each bucket it spans, with its wait so far.
 */
import { ParleyError } from '../errors.ts';
import { groupBy } from '../group-by.ts';
import type { FiguresBucket, FiguresDTO } from '../protocol.ts';
import type { Store, TaskEvent } from '../store/types.ts';
import { agentTimelines } from './figures-timeline.ts';

export const MAX_FIGURE_HOURS = 72;
/** More buckets than this make a chart no one can read. */
export const MAX_FIGURE_BUCKETS = 720;

export interface FiguresQuery {
  /** The last this many hours (default 8, at most 72). */
  hours?: number;
  /** Bucket length; by default 15 min up to 12 hours, 30 min up to 24, else an hour. */
  bucketMinutes?: number;
  /** Only chats that were in this queue. */
  queueSid?: string;
}

/** The window and buckets of a query, the window starting on a bucket boundary. */
export function figuresWindow({ hours = 8, bucketMinutes }: FiguresQuery, now: Date) {
  if (!(hours > 0 && hours <= MAX_FIGURE_HOURS)) {
    throw new ParleyError(
      'invalid_request',
      `hours must be more than 0 and at most ${MAX_FIGURE_HOURS}; got ${hours}`,
      400,
    );
  }
  const minutes = bucketMinutes ?? (hours <= 12 ? 15 : hours <= 24 ? 30 : 60);
  const bucketMs = minutes * 60_000;
  // Exclusive, one past now: a chat created this very millisecond is already waiting.
  const to = now.getTime() + 1;
  const from = Math.floor((now.getTime() - hours * 3_600_000) / bucketMs) * bucketMs;
  if ((to - from) / bucketMs > MAX_FIGURE_BUCKETS) {
    throw new ParleyError(
      'invalid_request',
      `bucketMinutes ${minutes} makes more than ${MAX_FIGURE_BUCKETS} buckets in ${hours} hours: choose a longer bucket`,
      400,
    );
  }
  return { from, to, bucketMs };
}

/** A stretch of time a chat spent waiting in one queue. */
interface Wait {
  queueSid: string;
  /** When the chat's task was created: its wait so far is measured from here. */
  created: number;
  start: number;
  /** Infinity while it still waits. */
  end: number;
}

interface Done {
  at: number;
  queueSid: string;
  seconds: number;
}

const ENDS_WAIT = new Set(['accepted', 'canceled', 'completed', 'transferred', 'wrapping']);

/** Each task's waits, answered waits and handle times, from its events in order. */
function followTasks(events: TaskEvent[]) {
  const byTask = groupBy(events, (event) => event.taskSid);
  const waits: Wait[] = [];
  const answered: Done[] = [];
  const handled: Done[] = [];
  for (const taskEvents of byTask.values()) {
    const first = taskEvents[0];
    // A task whose creation was not recorded has no known start: it is left out of waits.
    let waiting: Wait | null =
      first?.kind === 'created'
        ? { queueSid: first.queueSid, created: at(first), start: at(first), end: Infinity }
        : null;
    let acceptedAt: number | null = null;
    for (const event of taskEvents.slice(waiting ? 1 : 0)) {
      const time = at(event);
      if (waiting && event.kind === 'retargeted' && event.queueSid !== waiting.queueSid) {
        waits.push({ ...waiting, end: time });
        waiting = { ...waiting, queueSid: event.queueSid, start: time };
      } else if (waiting && ENDS_WAIT.has(event.kind)) {
        waits.push({ ...waiting, end: time });
        if (event.kind === 'accepted')
          answered.push({ at: time, queueSid: event.queueSid, seconds: (time - waiting.created) / 1000 });
        waiting = null;
      }
      if (event.kind === 'accepted') acceptedAt = time;
      if ((event.kind === 'completed' || event.kind === 'transferred') && acceptedAt !== null) {
        handled.push({ at: time, queueSid: event.queueSid, seconds: (time - acceptedAt) / 1000 });
        acceptedAt = null;
      }
    }
    if (waiting) waits.push(waiting);
  }
  return { waits, answered, handled };
}

const at = (event: { dateCreated: string }) => Date.parse(event.dateCreated);
const mean = (values: number[]) =>
  values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100 : null;
const max = (values: number[]) => (values.length ? Math.round(Math.max(...values)) : null);

/**
 * Most waits covering one instant of [start, end): one sweep over the waits' starts and ends
 * in time order (an end before a start at the same instant, as a wait ending then no longer
 * covers it), so a window of thousands of chats costs a sort, not every pair of them.
 */
function peak(waits: Wait[], start: number, end: number): number {
  const steps: [number, 1 | -1][] = [];
  for (const w of waits) {
    if (!(w.start < end && w.end > start)) continue;
    steps.push([Math.max(w.start, start), 1]);
    if (w.end < end) steps.push([w.end, -1]);
  }
  steps.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let covering = 0;
  let most = 0;
  for (const [, step] of steps) {
    covering += step;
    most = Math.max(most, covering);
  }
  return most;
}

/** The figures of one stretch [start, end) of the window (a bucket, or the whole window). */
function figuresOf(
  facts: ReturnType<typeof followTasks> & { created: number[]; rated: { at: number; score: number }[] },
  start: number,
  end: number,
): Omit<FiguresBucket, 'start' | 'end' | 'chatsPerHour'> {
  const within = (t: number) => t >= start && t < end;
  const answered = facts.answered.filter((d) => within(d.at));
  const stillWaiting = facts.waits
    .filter((w) => w.start < end && w.end >= end)
    .map((w) => (end - w.created) / 1000);
  const ratings = facts.rated.filter((r) => within(r.at)).map((r) => r.score);
  return {
    queueLength: peak(facts.waits, start, end),
    waitAverageSeconds: mean(answered.map((d) => d.seconds)),
    waitMaxSeconds: max([...answered.map((d) => d.seconds), ...stillWaiting]),
    chats: facts.created.filter(within).length,
    answered: answered.length,
    handleAverageSeconds: mean(facts.handled.filter((d) => within(d.at)).map((d) => d.seconds)),
    csatAverage: mean(ratings),
    csatCount: ratings.length,
  };
}

/**
 * The figures of a window from its events (as `TaskEventRepository.listForWindow` returns
 * them). Pure, so tests hand it event sequences directly.
 */
export function computeFigures(
  events: TaskEvent[],
  window: { from: number; to: number; bucketMs: number; queueSid?: string },
): Pick<FiguresDTO, 'buckets' | 'totals'> {
  const { from, to, bucketMs, queueSid } = window;
  const inQueue = (q: string) => !queueSid || q === queueSid;
  const followed = followTasks(events);
  const facts = {
    waits: followed.waits.filter((w) => inQueue(w.queueSid)),
    answered: followed.answered.filter((d) => inQueue(d.queueSid)),
    handled: followed.handled.filter((d) => inQueue(d.queueSid)),
    // Times parsed once here, not once per bucket.
    created: events.filter((e) => e.kind === 'created' && !e.details.transfer && inQueue(e.queueSid)).map(at),
    rated: events
      .filter((e) => e.kind === 'rated' && inQueue(e.queueSid))
      .map((e) => ({ at: at(e), score: Number(e.details.score) })),
  };
  const buckets: FiguresBucket[] = [];
  // `to` is one past now: a bucket starting at now would hold only that millisecond.
  for (let start = from; start < to - 1; start += bucketMs) {
    const end = Math.min(start + bucketMs, to);
    const figures = figuresOf(facts, start, end);
    buckets.push({
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      ...figures,
      chatsPerHour: Math.round(((figures.chats * 3_600_000) / bucketMs) * 100) / 100,
    });
  }
  const totals = figuresOf(facts, from, to);
  totals.queueLength = facts.waits.filter((w) => w.start < to && w.end >= to).length;
  return { buckets, totals };
}

export function createFigures({ store, clock }: { store: Store; clock: () => Date }) {
  return {
    /** @example await figures.compute({ hours: 8, queueSid: 'WQ…' }) */
    async compute(query: FiguresQuery): Promise<FiguresDTO> {
      const { from, to, bucketMs } = figuresWindow(query, clock());
      const window = { since: new Date(from).toISOString(), until: new Date(to).toISOString() };
      const [events, activity, workers] = await Promise.all([
        store.taskEvents.listForWindow({ ...window, queueSid: query.queueSid }),
        store.taskEvents.listActivity(window),
        store.workers.list(),
      ]);
      return {
        from: window.since,
        to: new Date(to - 1).toISOString(),
        bucketSeconds: bucketMs / 1000,
        queueSid: query.queueSid ?? null,
        ...computeFigures(events, { from, to, bucketMs, queueSid: query.queueSid }),
        agents: agentTimelines(workers, activity, new Date(from), new Date(to - 1)),
      };
    },
  };
}

export type Figures = ReturnType<typeof createFigures>;

/**
 * Agents' status timelines for supervisors' figures: each worker's activity over a window,
 * as intervals, from the stored activity changes. The activity at the window's start is the
 * last change before it, else the first change's previous activity, else (a worker whose
 * activity never changed) the activity it has now.
 */

import { groupBy } from '../group-by.ts';
import type { Activity, ActivityInterval, FiguresDTO } from '../protocol.ts';
import type { WorkerEvent } from '../store/types.ts';

type AgentFigures = FiguresDTO['agents'][number];

export function agentTimelines(
  workers: { sid: string; friendlyName: string; activity: Activity }[],
  events: WorkerEvent[],
  from: Date,
  to: Date,
): AgentFigures[] {
  const byWorker = groupBy(events, (event) => event.workerSid);
  return workers
    .map((worker) => timelineOf(worker, byWorker.get(worker.sid) ?? [], from.getTime(), to.getTime()))
    .sort((a, b) => a.friendlyName.localeCompare(b.friendlyName));
}

function timelineOf(
  worker: { sid: string; friendlyName: string; activity: Activity },
  events: WorkerEvent[],
  from: number,
  to: number,
): AgentFigures {
  const before = events.filter((e) => Date.parse(e.dateCreated) < from).at(-1);
  const inside = events.filter((e) => Date.parse(e.dateCreated) >= from);
  let current: Activity | null = before
    ? before.activity
    : inside.length
      ? (inside[0]?.previousActivity ?? null)
      : worker.activity;
  let since = from;
  const intervals: ActivityInterval[] = [];
  const close = (until: number) => {
    if (current === null || until <= since) return;
    const last = intervals.at(-1);
    if (last && last.activity === current && Date.parse(last.to) === since) {
      last.to = new Date(until).toISOString();
    } else {
      intervals.push({
        activity: current,
        from: new Date(since).toISOString(),
        to: new Date(until).toISOString(),
      });
    }
  };
  for (const event of inside) {
    const at = Math.min(Date.parse(event.dateCreated), to);
    close(at);
    current = event.activity;
    since = at;
  }
  close(to);
  const seconds: Record<Activity, number> = { Available: 0, Unavailable: 0, Offline: 0 };
  for (const interval of intervals) {
    seconds[interval.activity] += Math.round((Date.parse(interval.to) - Date.parse(interval.from)) / 1000);
  }
  return { workerSid: worker.sid, friendlyName: worker.friendlyName, intervals, seconds };
}

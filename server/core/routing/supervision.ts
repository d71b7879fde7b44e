/**
 * The supervisor view: for every queue, the tasks waiting in it and the longest wait; for
 * every worker, activity and load. Supervisors are workers whose `roles` attribute has
 * "supervisor".
 */
import type { SupervisorSnapshot } from '../../protocol.ts';
import type { Store, Worker } from '../../store/types.ts';

export function isSupervisor(worker: Pick<Worker, 'attributes'>): boolean {
  const { roles } = worker.attributes as { roles?: unknown };
  return Array.isArray(roles) && roles.includes('supervisor');
}

export async function supervisorSnapshot(store: Store, now: Date): Promise<SupervisorSnapshot> {
  const [queues, workers, reserved, assigned, wrapping] = await Promise.all([
    store.queues.list(),
    store.workers.list(),
    store.tasks.list({ status: 'reserved' }),
    store.tasks.list({ status: 'assigned' }),
    store.tasks.list({ status: 'wrapping' }),
  ]);
  const load = new Map<string, number>();
  for (const task of [...reserved, ...assigned, ...wrapping]) {
    if (task.workerSid) load.set(task.workerSid, (load.get(task.workerSid) ?? 0) + 1);
  }
  const ageOf = (dateCreated: string) =>
    Math.max(0, Math.floor((now.getTime() - Date.parse(dateCreated)) / 1000));
  return {
    queues: await Promise.all(
      queues.map(async (queue) => {
        const waiting = await store.tasks.listWaiting(queue.sid);
        const tasks = waiting.map((t) => ({
          sid: t.sid,
          name: String(t.attributes.name ?? t.attributes.from ?? 'Customer'),
          status: t.status,
          priority: t.priority,
          age: ageOf(t.dateCreated),
        }));
        return {
          sid: queue.sid,
          friendlyName: queue.friendlyName,
          waiting: tasks.length,
          longestWaitSeconds: Math.max(0, ...tasks.map((t) => t.age)),
          tasks,
        };
      }),
    ),
    workers: workers.map((w) => ({
      sid: w.sid,
      friendlyName: w.friendlyName,
      activity: w.activity,
      capacity: w.capacity,
      load: load.get(w.sid) ?? 0,
      supervisor: isSupervisor(w),
    })),
    chats: [...assigned, ...wrapping]
      .filter((t) => t.workerSid)
      .sort((a, b) => a.dateCreated.localeCompare(b.dateCreated))
      .map((t) => ({
        channelSid: t.channelSid,
        taskSid: t.sid,
        customerName: String(t.attributes.name ?? t.attributes.from ?? 'Customer'),
        workerSid: t.workerSid as string,
        workerName: workers.find((w) => w.sid === t.workerSid)?.friendlyName ?? 'Agent',
        status: t.status,
        age: ageOf(t.dateCreated),
      })),
    generatedAt: now.toISOString(),
  };
}

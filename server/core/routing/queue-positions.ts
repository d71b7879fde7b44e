/**
 * A waiting visitor's place in line: position 1 is next (tasks pending or reserved in the same
 * queue, in dispatch order), and an estimate of the wait: the mean of the queue's recent waits
 * (creation to assignment of its last 20 assigned tasks) times the position. Recomputed for the
 * whole queue when one of its tasks changes, at most every REFRESH_MS per queue so a busy queue
 * costs the same as a quiet one; only changed places are announced; `position: null` once the
 * task stops waiting.
 */
import type { QueuePositionEvent } from '../../protocol.ts';
import type { Store, Task } from '../../store/types.ts';
import type { EventBus } from '../events.ts';

const RECENT = 20;
const REFRESH_MS = 250;
const isWaiting = (task: Task) => task.status === 'pending' || task.status === 'reserved';

export function createQueuePositions({
  store,
  events,
  track,
}: {
  store: Store;
  events: EventBus;
  track: (work: Promise<unknown>) => void;
}) {
  /** What each waiting task was last told, and in which queue, to tell it when it leaves. */
  const announced = new Map<string, { queueSid: string; told: string }>();
  const dirty = new Set<string>();
  let running: Promise<void> | null = null;

  async function estimateFor(queueSid: string): Promise<number | null> {
    const waits = await store.tasks.recentWaits(queueSid, RECENT);
    if (waits.length === 0) return null;
    return waits.reduce((sum, w) => sum + w, 0) / waits.length;
  }

  async function positionsIn(queueSid: string): Promise<QueuePositionEvent[]> {
    const [waiting, mean] = await Promise.all([store.tasks.listWaiting(queueSid), estimateFor(queueSid)]);
    return waiting.map((task, i) => ({
      channelSid: task.channelSid,
      taskSid: task.sid,
      position: i + 1,
      estimatedWaitSeconds: mean === null ? null : Math.round(mean * (i + 1)),
    }));
  }

  async function refresh(queueSid: string) {
    const positions = await positionsIn(queueSid);
    const present = new Set(positions.map((p) => p.taskSid));
    for (const [taskSid, { queueSid: queue }] of announced) {
      if (queue !== queueSid || present.has(taskSid)) continue;
      const task = await store.tasks.get(taskSid);
      if (task && isWaiting(task)) continue; // moved to another queue: that one tells it
      announced.delete(taskSid);
      const channelSid = task?.channelSid;
      if (channelSid)
        events.emit('queue.position', { channelSid, taskSid, position: null, estimatedWaitSeconds: null });
    }
    for (const position of positions) {
      const told = `${position.position}:${position.estimatedWaitSeconds}`;
      if (announced.get(position.taskSid)?.told === told) continue;
      announced.set(position.taskSid, { queueSid, told });
      events.emit('queue.position', position);
    }
  }

  function schedule(queueSid: string) {
    dirty.add(queueSid);
    if (running) return;
    running = (async () => {
      while (dirty.size > 0) {
        const [next] = dirty;
        dirty.delete(next as string);
        await refresh(next as string);
        // Changes arriving meanwhile are taken together in the next pass.
        if (dirty.size > 0) await new Promise((resolve) => setTimeout(resolve, REFRESH_MS));
      }
    })().finally(() => {
      running = null;
    });
    track(running);
  }

  const onTask = (task: Task) => {
    const previous = announced.get(task.sid)?.queueSid;
    if (previous && previous !== task.queueSid) schedule(previous);
    schedule(task.queueSid);
  };
  events.on('task.created', onTask);
  events.on('task.updated', onTask);

  return {
    /** The channel's place in line now, or null when its task is not waiting. */
    async current(channelSid: string): Promise<QueuePositionEvent | null> {
      const channel = await store.channels.get(channelSid);
      const task = channel?.attributes.taskSid ? await store.tasks.get(channel.attributes.taskSid) : null;
      if (!task || !isWaiting(task)) return null;
      return (await positionsIn(task.queueSid)).find((p) => p.taskSid === task.sid) ?? null;
    },
  };
}

export type QueuePositions = ReturnType<typeof createQueuePositions>;

/**
 * The supervisor view: for every queue, the tasks waiting in it and the longest wait; for
 * every worker, activity and load. Supervisors are workers whose `roles` attribute has
 * "supervisor". A supervisor may also join a live chat as a second agent (the agent who holds
 * it keeps it) and leave it again; see `createSupervision`.
 */
import { conflict, forbidden, notFound } from '../../errors.ts';
import type { MessageDTO, SupervisorSnapshot } from '../../protocol.ts';
import type { Store, Worker } from '../../store/types.ts';
import type { Conversations } from '../conversations.ts';

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

export interface SupervisionDeps {
  store: Store;
  conversations: Conversations;
}

export type Supervision = ReturnType<typeof createSupervision>;

/** How many messages one read of the channel's log takes, newest first, to find a notice. */
const NOTICE_PAGE = 200;

/**
 * Join and Leave: a supervisor barges into a live chat as a second agent member, writes like
 * the agent who holds it, and leaves; the task stays with its agent throughout. Every check is
 * made on each call, so taking the supervisor role away takes the right to write away too.
 *
 * An agent who held the chat stays a member after completing it, so membership alone does not
 * say who joined as supervisor: the channel's newest "joined" notice for the worker does (the
 * system's, marked `supervisor: true` by `join`; accepting a task posts one without the mark,
 * leaving or a transfer posts "left"). The customer saw that notice, so a supervisor's words
 * never reach the customer unannounced.
 */
export function createSupervision({ store, conversations }: SupervisionDeps) {
  /** The system's newest membership notice (joined or left) for `identity` in the channel. */
  async function lastNotice(channelSid: string, identity: string): Promise<MessageDTO | null> {
    const channel = await store.channels.get(channelSid);
    let end = channel?.lastMessageIndex ?? -1;
    while (end >= 0) {
      const from = Math.max(0, end - NOTICE_PAGE + 1);
      const page = await store.messages.list(channelSid, { afterIndex: from - 1, limit: end - from + 1 });
      for (let i = page.length - 1; i >= 0; i--) {
        const { authorRole, attributes } = page[i] as MessageDTO;
        if (authorRole !== 'system' || attributes.identity !== identity) continue;
        if (attributes.event === 'member.joined' || attributes.event === 'member.left')
          return page[i] as MessageDTO;
      }
      end = from - 1;
    }
    return null;
  }

  /** Whether the worker is in the chat because it joined as supervisor (and has not left). */
  async function joinedAsSupervisor(workerSid: string, channelSid: string): Promise<boolean> {
    const member = await store.members.get(channelSid, workerSid);
    if (member?.role !== 'agent') return false;
    const notice = await lastNotice(channelSid, workerSid);
    return notice?.attributes.event === 'member.joined' && notice.attributes.supervisor === true;
  }

  async function supervisor(workerSid: string): Promise<Worker> {
    const worker = await store.workers.get(workerSid);
    if (!worker || !isSupervisor(worker))
      throw forbidden('Joining a chat is for workers whose roles attribute has "supervisor"');
    return worker;
  }

  /** The channel, when it is a live chat: active, with a task an agent holds (assigned). */
  async function liveChat(channelSid: string) {
    const channel = await store.channels.get(channelSid);
    if (!channel) throw notFound('Channel', channelSid);
    const tasks = await store.tasks.list({ channelSid, status: 'assigned' });
    if (channel.status !== 'active' || tasks.length === 0)
      throw conflict(
        `Channel ${channelSid} is not a live chat: only an active chat an agent holds can be joined`,
      );
    return { channel, holders: new Set(tasks.map((t) => t.workerSid)) };
  }

  return {
    /** Adds the supervisor to the chat as an agent member; the customer sees "<name> joined the chat". */
    async join(workerSid: string, channelSid: string) {
      const worker = await supervisor(workerSid);
      const { holders } = await liveChat(channelSid);
      if (holders.has(workerSid)) throw conflict(`Channel ${channelSid} is already one of your chats`);
      const existing = await store.members.get(channelSid, workerSid);
      if (existing && (await joinedAsSupervisor(workerSid, channelSid))) return existing;
      // A member who is not yet joined (an agent who once held this chat) is announced too.
      const member =
        existing ?? (await conversations.addMember(channelSid, workerSid, 'agent', worker.friendlyName));
      await conversations.postSystem(channelSid, `${worker.friendlyName} joined the chat`, {
        event: 'member.joined',
        identity: workerSid,
        supervisor: true,
      });
      return member;
    },

    /**
     * Takes a joined supervisor out of the chat; the customer sees "<name> left the chat". Only
     * a worker who joined as supervisor may: an agent who completed the chat is still a member
     * and must not tell the customer anything.
     */
    async leave(workerSid: string, channelSid: string): Promise<void> {
      if (!(await joinedAsSupervisor(workerSid, channelSid)))
        throw forbidden(
          `You have not joined channel ${channelSid} as a supervisor: only a supervisor who joined a chat leaves it (the agent holding it ends or transfers it)`,
        );
      const worker = await store.workers.get(workerSid);
      const held = await store.tasks.list({ workerSid, channelSid });
      if (held.some((t) => t.status === 'assigned' || t.status === 'wrapping'))
        throw conflict(`Channel ${channelSid} is one of your chats: end or transfer it instead`);
      if (!(await conversations.removeMember(channelSid, workerSid)))
        throw conflict(`You have already left channel ${channelSid}`);
      await conversations.postSystem(channelSid, `${worker?.friendlyName ?? 'A supervisor'} left the chat`, {
        event: 'member.left',
        identity: workerSid,
      });
    },

    /**
     * Throws unless the worker may write in the channel: it holds the chat's task, or it is a
     * supervisor who joined the chat (the customer was told) and the chat is still live (a
     * long-lived channel outlives its task, and a joined supervisor's say ends with it). A
     * supervisor who once held the chat is still a member, but writes only after joining.
     */
    async assertCanWrite(workerSid: string, channelSid: string): Promise<void> {
      const tasks = await store.tasks.list({ channelSid });
      const live = tasks.filter((t) => t.status === 'assigned' || t.status === 'wrapping');
      if (live.some((t) => t.workerSid === workerSid)) return;
      const [worker, channel] = await Promise.all([
        store.workers.get(workerSid),
        store.channels.get(channelSid),
      ]);
      const mayWrite =
        worker !== null &&
        isSupervisor(worker) &&
        channel?.status === 'active' &&
        live.some((t) => t.status === 'assigned');
      if (mayWrite && (await joinedAsSupervisor(workerSid, channelSid))) return;
      throw forbidden(`Channel ${channelSid} is not one of your chats: a supervisor joins a live chat first`);
    },
  };
}

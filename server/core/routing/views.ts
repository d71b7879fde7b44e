/** What agents and the API are shown of routing records: no secrets, no bookkeeping. */
import type { AgentChatDTO, OfferDTO, TaskDTO, TransferInfo, WorkerDTO } from '../../protocol.ts';
import type { Reservation, Store, Task, Worker } from '../../store/types.ts';
import { dispositionsOf, wrapUpEndsAtOf } from './wrap-up.ts';

/** A worker as agents and the API see it: no password hash, no session version, no idle bookkeeping. */
export function workerView({
  passwordHash: _hash,
  tokenVersion: _version,
  lastAssignedAt: _idle,
  ...worker
}: Worker): WorkerDTO {
  return worker;
}

/** A task with its age at `now`, without the workflow position it keeps for routing. */
export function taskView(task: Task, now: Date): TaskDTO {
  const {
    filterName: _filter,
    targetIndex: _index,
    targetExpression: _expression,
    targetWorkerSid: _target,
    revision: _revision,
    ...rest
  } = task;
  const age = Math.max(0, Math.floor((now.getTime() - Date.parse(task.dateCreated)) / 1000));
  return { ...rest, age };
}

export function transferOf(task: Task): TransferInfo | null {
  const transfer = task.attributes.transfer as TransferInfo | undefined;
  return transfer && typeof transfer === 'object' && 'fromWorkerSid' in transfer ? transfer : null;
}

export async function buildChat(store: Store, task: Task, now: Date): Promise<AgentChatDTO> {
  const channel = await store.channels.get(task.channelSid);
  if (!channel) throw new Error(`task ${task.sid} points at missing channel ${task.channelSid}`);
  const [contact, members, flexFlow] = await Promise.all([
    store.contacts.get(channel.contactSid),
    store.members.list(channel.sid),
    store.flexFlows.get(channel.flexFlowSid),
  ]);
  if (!contact) throw new Error(`channel ${channel.sid} points at missing contact ${channel.contactSid}`);
  const dispositions = dispositionsOf(flexFlow?.integration);
  const wrapUpEndsAt = wrapUpEndsAtOf(task);
  return { task: taskView(task, now), channel, contact, members, dispositions, wrapUpEndsAt };
}

export async function buildOffer(
  store: Store,
  reservation: Reservation,
  task: Task,
  now: Date,
): Promise<OfferDTO> {
  const [channel, first] = await Promise.all([
    store.channels.get(task.channelSid),
    store.messages.firstByRole(task.channelSid, 'customer'),
  ]);
  if (!channel) throw new Error(`task ${task.sid} points at missing channel ${task.channelSid}`);
  return {
    reservation,
    task: taskView(task, now),
    channel,
    customerName: channel.attributes.from,
    firstMessage: first?.body ?? null,
    transfer: transferOf(task),
  };
}

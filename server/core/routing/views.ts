/** What agents are shown of a task: the offer before accepting, the chat after. */
import type { AgentChatDTO, OfferDTO, WorkerDTO } from '../../protocol.ts';
import type { Reservation, Store, Task, Worker } from '../../store/types.ts';

/** A worker as agents and the API see it: no password hash, no idle bookkeeping. */
export function workerView({ passwordHash: _hash, lastAssignedAt: _idle, ...worker }: Worker): WorkerDTO {
  return worker;
}

export async function buildChat(store: Store, task: Task): Promise<AgentChatDTO> {
  const channel = await store.channels.get(task.channelSid);
  if (!channel) throw new Error(`task ${task.sid} points at missing channel ${task.channelSid}`);
  const [contact, members] = await Promise.all([
    store.contacts.get(channel.contactSid),
    store.members.list(channel.sid),
  ]);
  if (!contact) throw new Error(`channel ${channel.sid} points at missing contact ${channel.contactSid}`);
  return { task, channel, contact, members };
}

export async function buildOffer(store: Store, reservation: Reservation, task: Task): Promise<OfferDTO> {
  const [channel, first] = await Promise.all([
    store.channels.get(task.channelSid),
    store.messages.firstByRole(task.channelSid, 'customer'),
  ]);
  if (!channel) throw new Error(`task ${task.sid} points at missing channel ${task.channelSid}`);
  return {
    reservation,
    task,
    channel,
    customerName: channel.attributes.from,
    firstMessage: first?.body ?? null,
  };
}

/**
 * A customer's earlier conversations for the agent desk's context panel: the contact's other
 * channels (any Flex Flow, any channel type) from before the chat in question, newest first,
 * each with who handled it, how it was wrapped up and how the customer rated it; and the
 * read-only transcript of one of them.
 *
 * Who may ask about chat X: the admin API, a supervisor, or an agent who holds X (its task is
 * assigned to them or they are wrapping it up). Anyone else gets 403, so an agent cannot read
 * the history of customers they are not serving. A transcript is only of the same contact's
 * conversation from before the chat asked about (as listed): any other sid answers 404, as if
 * it did not exist.
 */
import { forbidden, notFound } from '../errors.ts';
import type { EarlierConversationDTO, EarlierConversationsResponse, TranscriptDTO } from '../protocol.ts';
import type { Channel, Store, Task } from '../store/types.ts';
import type { StaffViewer } from './agents.ts';
import { createConversationSearch } from './conversation-search.ts';
import { csatOf } from './ratings.ts';
import { isSupervisor } from './routing/supervision.ts';

/** How many earlier conversations the panel lists. */
export const EARLIER_CONVERSATIONS = 20;

export type EarlierConversations = ReturnType<typeof createEarlierConversations>;

export function createEarlierConversations({ store }: { store: Store }) {
  const transcripts = createConversationSearch({ store });

  /** The chat asked about, once the viewer may read its customer's history. */
  async function heldChannel(viewer: StaffViewer, channelSid: string): Promise<Channel> {
    const channel = await store.channels.get(channelSid);
    if (viewer.kind === 'agent') {
      const worker = await store.workers.get(viewer.workerSid);
      if (!worker || !isSupervisor(worker)) {
        const tasks = channel ? await store.tasks.list({ channelSid, workerSid: viewer.workerSid }) : [];
        if (!tasks.some((task) => task.status === 'assigned' || task.status === 'wrapping')) {
          throw forbidden(
            `Only the agent holding chat ${channelSid}, or a supervisor, may read its customer's earlier conversations`,
          );
        }
      }
    }
    if (!channel) throw notFound('Channel', channelSid);
    return channel;
  }

  /** Worker names, each read once per request. */
  function workerNames() {
    const names = new Map<string, Promise<string | null>>();
    return (workerSid: string) => {
      let name = names.get(workerSid);
      if (!name) {
        name = store.workers.get(workerSid).then((worker) => worker?.friendlyName ?? null);
        names.set(workerSid, name);
      }
      return name;
    };
  }

  async function tasksOf(channelSid: string): Promise<Task[]> {
    const tasks = await store.tasks.list({ channelSid });
    return tasks.sort((a, b) => a.dateCreated.localeCompare(b.dateCreated));
  }

  async function summarize(
    channel: Channel,
    nameOf: (workerSid: string) => Promise<string | null>,
  ): Promise<EarlierConversationDTO> {
    const tasks = await tasksOf(channel.sid);
    const agentNames: string[] = [];
    let disposition: string | null = null;
    let csat = null;
    for (const task of tasks) {
      const name = task.workerSid ? await nameOf(task.workerSid) : null;
      if (name && !agentNames.includes(name)) agentNames.push(name);
      const wrapUp = task.attributes.wrapUp as { disposition?: unknown } | undefined;
      if (wrapUp && typeof wrapUp.disposition === 'string') disposition = wrapUp.disposition;
      csat = csatOf(task) ?? csat;
    }
    const { subject } = channel.attributes;
    return {
      channelSid: channel.sid,
      channelType: channel.attributes.channelType,
      status: channel.status,
      subject: channel.attributes.channelType === 'email' && typeof subject === 'string' ? subject : null,
      dateCreated: channel.dateCreated,
      agentNames,
      disposition,
      csat,
    };
  }

  return {
    /** The contact's conversations from before chat `channelSid`, newest first. */
    async list(viewer: StaffViewer, channelSid: string): Promise<EarlierConversationsResponse> {
      const channel = await heldChannel(viewer, channelSid);
      const earlier = await store.visitorHistory.contactChannels({
        contactSid: channel.contactSid,
        exceptSid: channel.sid,
        notAfter: channel.dateCreated,
        limit: EARLIER_CONVERSATIONS,
      });
      const nameOf = workerNames();
      const conversations = [];
      for (const held of earlier) conversations.push(await summarize(held, nameOf));
      return {
        conversations,
        meta: { channelSid: channel.sid, contactSid: channel.contactSid, pageSize: conversations.length },
      };
    },

    /** The read-only transcript of `earlierSid`, one of the same customer's conversations. */
    async transcript(viewer: StaffViewer, channelSid: string, earlierSid: string): Promise<TranscriptDTO> {
      const channel = await heldChannel(viewer, channelSid);
      const earlier = await store.channels.get(earlierSid);
      // The same conversations as `list` offers: the contact's others, from before this chat
      // (a later one is not this chat's history, and its agent may not be this viewer).
      if (
        !earlier ||
        earlier.sid === channel.sid ||
        earlier.contactSid !== channel.contactSid ||
        earlier.dateCreated > channel.dateCreated
      ) {
        throw notFound('Earlier conversation', earlierSid);
      }
      // Authorised above through the chat the viewer holds, so read as the API would.
      return transcripts.transcript({ kind: 'admin' }, earlierSid);
    },
  };
}

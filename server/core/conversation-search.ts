/**
 * "Search conversations" for the agent desk and the API: an agent finds the conversations
 * they took part in (held a task of), a supervisor and the admin API every one; opening a
 * result gives its read-only transcript under the same rule. A conversation someone may not
 * see answers 404, as if it did not exist.
 */
import { notFound } from '../errors.ts';
import type {
  ConversationSearchPage,
  ConversationSearchResult,
  TranscriptDTO,
  WrapUpInfo,
} from '../protocol.ts';
import { searchTermsOf } from '../store/conversation-search.ts';
import type { ConversationSearchHit, Store } from '../store/types.ts';
import type { StaffViewer } from './agents.ts';
import { csatOf } from './ratings.ts';
import { isSupervisor } from './routing/supervision.ts';
import { snippetOf } from './search-snippet.ts';

export interface SearchRequest {
  query: string;
  page: number;
  pageSize: number;
}

/** A transcript is read in pages of this many messages from the start. */
const TRANSCRIPT_LIMIT = 500;

export function createConversationSearch({ store }: { store: Store }) {
  /** The worker whose conversations bound the viewer, or undefined when the viewer sees all. */
  async function scopeOf(viewer: StaffViewer): Promise<string | undefined> {
    if (viewer.kind === 'admin') return undefined;
    const worker = await store.workers.get(viewer.workerSid);
    return worker && isSupervisor(worker) ? undefined : viewer.workerSid;
  }

  return {
    async search(
      viewer: StaffViewer,
      { query, page, pageSize }: SearchRequest,
    ): Promise<ConversationSearchPage> {
      const workerSid = await scopeOf(viewer);
      // A query of punctuation alone has no words to look for: nothing matches it.
      const terms = searchTermsOf(query);
      // One more than asked tells whether there is a next page without counting them all.
      const hits = terms.length
        ? await store.conversationSearch.search({
            terms,
            text: query,
            workerSid,
            limit: pageSize + 1,
            offset: page * pageSize,
          })
        : [];
      return {
        conversations: hits.slice(0, pageSize).map((hit) => toResult(hit, terms)),
        meta: { query, page, pageSize, hasMore: hits.length > pageSize },
      };
    },

    async transcript(viewer: StaffViewer, channelSid: string, afterIndex = -1): Promise<TranscriptDTO> {
      const channel = await store.channels.get(channelSid);
      const workerSid = await scopeOf(viewer);
      if (!channel || (workerSid && !(await store.tasks.list({ channelSid, workerSid })).length)) {
        throw notFound('Conversation', channelSid);
      }
      const [contact, messages, tasks] = await Promise.all([
        store.contacts.get(channel.contactSid),
        store.messages.list(channelSid, { afterIndex, limit: TRANSCRIPT_LIMIT }),
        store.tasks.list({ channelSid }),
      ]);
      const wrapUps = [];
      const ratings = [];
      for (const task of [...tasks].sort((a, b) => a.dateCreated.localeCompare(b.dateCreated))) {
        const csat = csatOf(task);
        if (csat) {
          const rated = task.workerSid ? await store.workers.get(task.workerSid) : null;
          ratings.push({ ...csat, taskSid: task.sid, workerName: rated?.friendlyName ?? null });
        }
        const wrapUp = task.attributes.wrapUp as WrapUpInfo | undefined;
        if (!wrapUp || typeof wrapUp !== 'object') continue;
        const worker = wrapUp.workerSid ? await store.workers.get(wrapUp.workerSid) : null;
        wrapUps.push({ ...wrapUp, taskSid: task.sid, workerName: worker?.friendlyName ?? null });
      }
      return {
        channel,
        customerName: channel.attributes.from || contact?.friendlyName || 'Customer',
        messages,
        hasMore: messages.length === TRANSCRIPT_LIMIT,
        wrapUps,
        ratings,
      };
    },
  };
}

function toResult(
  { channel, contact, message }: ConversationSearchHit,
  terms: string[],
): ConversationSearchResult {
  return {
    channelSid: channel.sid,
    customerName: channel.attributes.from || contact.friendlyName,
    address: contact.address,
    channelType: channel.attributes.channelType,
    status: channel.status,
    matchedMessage: message && {
      index: message.index,
      authorName: message.authorName,
      body: message.body,
      dateCreated: message.dateCreated,
      snippet: snippetOf(message.body, terms),
    },
    dateCreated: channel.dateCreated,
    dateUpdated: channel.dateUpdated,
  };
}

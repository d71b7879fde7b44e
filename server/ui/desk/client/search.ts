/**
 * "Search conversations" for the desk: `/v1/ConversationSearch` and `/v1/Transcripts` read
 * with the agent's session token, so the server decides what this agent may find (their own
 * conversations; a supervisor's, every one).
 */
import type { ConversationSearchPage, Sid, TranscriptDTO } from '../../../protocol.ts';
import { getJson } from './get-json.ts';

export const SEARCH_PAGE_SIZE = 20;

/** One page of conversations matching `query` (a name, an address or words of a message). */
export function searchConversations(token: string, query: string, page = 0): Promise<ConversationSearchPage> {
  const params = new URLSearchParams({ query, page: String(page), pageSize: String(SEARCH_PAGE_SIZE) });
  return getJson(token, `/v1/ConversationSearch?${params}`, 'The search failed.');
}

/** The conversation's messages, from the first; `afterIndex` continues a long one. */
export function loadTranscript(token: string, channelSid: Sid, afterIndex = -1): Promise<TranscriptDTO> {
  return getJson(
    token,
    `/v1/Transcripts/${encodeURIComponent(channelSid)}?afterIndex=${afterIndex}`,
    'The transcript could not be loaded.',
  );
}

/**
 * A customer's earlier conversations for the context panel, read with the agent's session
 * token: the server answers only the agent holding the chat, or a supervisor.
 */
import type { EarlierConversationsResponse, Sid, TranscriptDTO } from '../../../protocol.ts';
import { getJson } from './get-json.ts';

const base = (channelSid: Sid) => `/v1/Channels/${encodeURIComponent(channelSid)}/EarlierConversations`;

/** The customer's conversations from before chat `channelSid`, newest first. */
export function loadEarlierConversations(
  token: string,
  channelSid: Sid,
): Promise<EarlierConversationsResponse> {
  return getJson(token, base(channelSid), 'The earlier conversations could not be loaded.');
}

/** One of them, read-only, with its wrap-ups and ratings. */
export function loadEarlierTranscript(
  token: string,
  channelSid: Sid,
  earlierSid: Sid,
): Promise<TranscriptDTO> {
  return getJson(
    token,
    `${base(channelSid)}/${encodeURIComponent(earlierSid)}`,
    'The conversation could not be loaded.',
  );
}

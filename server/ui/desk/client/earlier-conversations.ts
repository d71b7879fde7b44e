/**
 * A customer's earlier conversations for the context panel, read with the agent's session
 * token: the server answers only the agent holding the chat, or a supervisor.
 */
import type { EarlierConversationsResponse, Sid, TranscriptDTO } from '../../../protocol.ts';

async function getJson<T>(token: string, path: string, failure: string): Promise<T> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
  if (!response) throw new Error(`${failure} Check the connection and try again.`);
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new Error(body?.message ?? failure);
  return body as T;
}

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

/**
 * The widget's REST calls under `/v1/WebChannels`: create (or, given a previous token, renew
 * for the same contact) the visitor's conversation, read the Flex Flow's widget settings and
 * availability, and leave an offline message.
 */
import type {
  ErrorBody,
  OfflineMessageRequest,
  VisitorHistoryResponse,
  WebChannelConfigResponse,
  WebChannelRequest,
  WebChannelResponse,
} from '../../server/protocol';

export class WebChannelError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function call<T>(url: string, body?: unknown): Promise<T> {
  const response = await fetch(
    url,
    body === undefined
      ? {}
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
  );
  const reply = (await response.json().catch(() => null)) as T | ErrorBody | null;
  if (!response.ok || !reply || (reply as ErrorBody).code) {
    const error = reply as ErrorBody | null;
    throw new WebChannelError(
      error?.code ?? 'http_error',
      error?.message ?? response.statusText,
      response.status,
    );
  }
  return reply as T;
}

export const createWebChannel = (serverUrl: string, request: WebChannelRequest) =>
  call<WebChannelResponse>(`${serverUrl}/v1/WebChannels`, request);

export const fetchWidgetConfig = (serverUrl: string, flexFlowSid: string) =>
  call<WebChannelConfigResponse>(
    `${serverUrl}/v1/WebChannels/Config?flexFlowSid=${encodeURIComponent(flexFlowSid)}`,
  );

export const sendOfflineMessage = (serverUrl: string, request: OfflineMessageRequest) =>
  call<{ taskSid: string }>(`${serverUrl}/v1/WebChannels/OfflineMessages`, request);

/** The visitor's earlier conversations on this Flex Flow (the token says who they are). */
export const fetchHistory = (serverUrl: string, token: string) =>
  call<VisitorHistoryResponse>(`${serverUrl}/v1/WebChannels/History`, { token });

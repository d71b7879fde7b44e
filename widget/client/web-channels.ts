/**
 * `POST /v1/WebChannels`: the widget's one REST call, which creates (or, given a previous
 * token, renews for the same contact) the visitor's conversation.
 */
import type { ErrorBody, WebChannelRequest, WebChannelResponse } from '../../server/protocol';

export class WebChannelError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function createWebChannel(
  serverUrl: string,
  request: WebChannelRequest,
): Promise<WebChannelResponse> {
  const response = await fetch(`${serverUrl}/v1/WebChannels`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  const body = (await response.json().catch(() => null)) as WebChannelResponse | ErrorBody | null;
  if (!response.ok || !body || 'code' in body) {
    const error = body && 'code' in body ? body : null;
    throw new WebChannelError(
      error?.code ?? 'http_error',
      error?.message ?? response.statusText,
      response.status,
    );
  }
  return body;
}

/**
 * An `httpClient` for the `twilio` npm library that sends every request to Parley: the
 * library builds `https://<product>.twilio.com/…` URLs, this client keeps their path and query
 * and swaps the origin for Parley's. URLs already on Parley (the `next_page_url` of a list)
 * keep their path; their origin is Parley's too, since the library writes a region or edge
 * (its `region`/`edge` options, TWILIO_REGION, TWILIO_EDGE) into the host name of every URL
 * it requests, Parley's included. It needs nothing from the library, so Parley does not
 * depend on it.
 *
 * @example
 *   import twilio from 'twilio';
 *   import { parleyHttpClient } from 'parley-webchat/twilio';
 *   const client = twilio('AC' + '0'.repeat(32), process.env.PARLEY_ADMIN_KEY, {
 *     httpClient: parleyHttpClient('https://chat.example.com'),
 *   });
 */

/** What the library hands its `httpClient` (a subset of its RequestClient options). */
export interface TwilioRequestOptions {
  method: string;
  uri: string;
  username?: string;
  password?: string;
  headers?: Record<string, string>;
  params?: Record<string, unknown>;
  data?: Record<string, unknown> | string;
  timeout?: number;
}

export interface TwilioResponse {
  statusCode: number;
  body: string;
  headers: Record<string, string>;
}

/** Form or query encoding as the library's own client does it: repeated keys for lists. */
function encode(values: Record<string, unknown>): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  return params;
}

export function parleyHttpClient(baseUrl: string) {
  const base = new URL(baseUrl);
  return {
    async request(opts: TwilioRequestOptions): Promise<TwilioResponse> {
      const url = new URL(opts.uri);
      if (url.hostname === 'twilio.com' || url.hostname.endsWith('.twilio.com'))
        url.pathname = base.pathname.replace(/\/+$/, '') + url.pathname;
      url.protocol = base.protocol;
      url.host = base.host;
      for (const [key, value] of encode(opts.params ?? {})) url.searchParams.append(key, value);
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.username && opts.password)
        headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
      const method = opts.method.toUpperCase();
      const body =
        opts.data === undefined || method === 'GET' || method === 'DELETE'
          ? undefined
          : typeof opts.data === 'string'
            ? opts.data
            : headers['Content-Type'] === 'application/json'
              ? JSON.stringify(opts.data)
              : encode(opts.data).toString();
      const res = await fetch(url, {
        method,
        headers,
        body,
        signal: AbortSignal.timeout(opts.timeout ?? 30_000),
      });
      return {
        statusCode: res.status,
        body: await res.text(),
        headers: Object.fromEntries(res.headers),
      };
    },
  };
}

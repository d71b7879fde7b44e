/**
 * The make-http-request effect: Studio's rules (2xx within 10 s is success; JSON answers are
 * parsed), and a relative URL is resolved against Parley's own address.
 */

import { HTTP_TIMEOUT_MS } from './widgets/make-http-request.ts';
import type { Effect } from './widgets/types.ts';

type HttpEffect = Extract<Effect, { type: 'httpRequest' }>;

const MAX_BODY = 256 * 1024;

export async function performHttpRequest(effect: HttpEffect, baseUrl: string | null) {
  let url: URL;
  try {
    url = new URL(effect.url, baseUrl ?? undefined);
  } catch {
    return { outcome: 'failed', outputs: { error: `"${effect.url}" is not a URL` } };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      outcome: 'failed',
      outputs: { error: `only http and https URLs are allowed, got ${url.protocol}` },
    };
  }
  const headers: Record<string, string> = {};
  let body: string | undefined;
  if (effect.method === 'GET' || effect.method === 'DELETE') {
    for (const [k, v] of Object.entries(effect.parameters ?? {})) url.searchParams.append(k, v);
  } else if (effect.parameters && !effect.body) {
    headers['content-type'] = 'application/x-www-form-urlencoded;charset=utf-8';
    body = new URLSearchParams(effect.parameters).toString();
  } else {
    headers['content-type'] = effect.contentType;
    body = effect.body;
  }
  try {
    const res = await fetch(url, {
      method: effect.method,
      headers,
      body,
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    const text = (await res.text()).slice(0, MAX_BODY);
    const contentType = res.headers.get('content-type') ?? '';
    let parsed: unknown;
    if (contentType.includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    const outputs = {
      status_code: res.status,
      content_type: contentType,
      body: text,
      ...(parsed !== undefined && { parsed }),
    };
    return { outcome: res.ok ? 'success' : 'failed', outputs };
  } catch (err) {
    const timedOut = (err as Error).name === 'TimeoutError';
    return {
      outcome: 'failed',
      outputs: { error: timedOut ? `no answer within ${HTTP_TIMEOUT_MS / 1000} s` : (err as Error).message },
    };
  }
}

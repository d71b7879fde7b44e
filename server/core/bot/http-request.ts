/**
 * The make-http-request effect: Studio's rules (2xx within 10 s is success; JSON answers are
 * parsed), a relative URL resolved against Parley's own address, and every request (and each
 * redirect) within the egress policy. A failure's `error` output names no visitor text: the
 * URL may hold some, so it is never quoted.
 */

import { EgressError, type EgressPolicy } from '../egress.ts';
import { HTTP_TIMEOUT_MS } from './widgets/make-http-request.ts';
import type { Effect } from './widgets/types.ts';

type HttpEffect = Extract<Effect, { type: 'httpRequest' }>;

const MAX_BODY = 256 * 1024;

export async function performHttpRequest(effect: HttpEffect, baseUrl: string | null, egress: EgressPolicy) {
  let url: URL;
  try {
    url = new URL(effect.url, baseUrl ?? undefined);
  } catch {
    return { outcome: 'failed', outputs: { error: 'the url is not a URL' } };
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
    const res = await egress.request({
      method: effect.method,
      url,
      headers,
      body,
      timeoutMs: HTTP_TIMEOUT_MS,
      maxBody: MAX_BODY,
    });
    const contentType = res.headers['content-type'] ?? '';
    let parsed: unknown;
    if (contentType.includes('json')) {
      try {
        parsed = JSON.parse(res.body);
      } catch {
        parsed = undefined;
      }
    }
    const outputs = {
      status_code: res.status,
      content_type: contentType,
      body: res.body,
      ...(parsed !== undefined && { parsed }),
    };
    return { outcome: res.status >= 200 && res.status < 300 ? 'success' : 'failed', outputs };
  } catch (err) {
    const message = err instanceof EgressError ? err.message : 'the request failed';
    return { outcome: 'failed', outputs: { error: message } };
  }
}

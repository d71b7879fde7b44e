/**
 * `make-http-request`: `method`, `url`, `content_type`, `body`, `parameters`. `success` on a
 * 2xx answer within 10 s, else `failed`; outputs `status_code`, `content_type`, `body`, and
 * `parsed` when the answer is JSON. A relative `url` (`/path`) is resolved against Parley's
 * own address (a Parley addition, so a flow can call the server it runs on). Values in the URL
 * are encoded by their position in it (see url-template.ts).
 */
import { render } from '../templates.ts';
import { renderUrl } from '../url-template.ts';
import type { Widget } from './types.ts';

export const HTTP_TIMEOUT_MS = 10_000;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export const makeHttpRequest: Widget = {
  type: 'make-http-request',
  required: ['method', 'url'],
  events: ['success', 'failed'],
  check(properties) {
    const method = String(properties.method ?? '').toUpperCase();
    return properties.method !== undefined && !METHODS.includes(method)
      ? [`method must be one of ${METHODS.join(', ')}, got "${String(properties.method)}"`]
      : [];
  },
  enter(properties, { scope }) {
    const parameters = Array.isArray(properties.parameters)
      ? Object.fromEntries(
          (properties.parameters as { key: string; value: unknown }[]).map((p) => [
            p.key,
            render(p.value, scope),
          ]),
        )
      : undefined;
    return {
      effects: [
        {
          type: 'httpRequest',
          method: String(properties.method).toUpperCase(),
          url: renderUrl(properties.url, scope),
          contentType: String(properties.content_type ?? 'application/x-www-form-urlencoded;charset=utf-8'),
          body: properties.body === undefined ? undefined : render(properties.body, scope),
          parameters,
        },
      ],
    };
  },
  resume(_properties, _context, input) {
    if (input.kind !== 'effect') return null;
    return { event: input.outcome === 'success' ? 'success' : 'failed', outputs: input.outputs };
  },
};

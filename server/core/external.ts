/**
 * integrationType `external`: each customer message is POSTed as JSON to the Flex Flow's
 * `integration.url`, signed with HMAC-SHA256 of the body under `integration.secret` in the
 * `X-Parley-Signature: sha256=<hex>` header, and retried `retryCount` times (0–3, default 3)
 * with backoff. The service answers through the REST API (post messages, create the task).
 * Deliveries go through the egress policy like the bot's requests (PARLEY_HTTP_ALLOW for an
 * integration on a private network).
 */
import { createHmac } from 'node:crypto';
import type { Logger } from '../logger.ts';
import type { Channel, FlexFlow, Message } from '../store/types.ts';
import type { EgressPolicy } from './egress.ts';

export const EXTERNAL_TIMEOUT_MS = 10_000;
export const SIGNATURE_HEADER = 'x-parley-signature';

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface ExternalDeps {
  log: Logger;
  egress: EgressPolicy;
  /** Waits between attempts: attempt 1 → base, 2 → 2×base, … */
  backoffMs?: number;
}

export type ExternalIntegration = ReturnType<typeof createExternalIntegration>;

export function createExternalIntegration({ log, egress, backoffMs = 500 }: ExternalDeps) {
  return {
    async deliver(flexFlow: FlexFlow, channel: Channel, message: Message): Promise<boolean> {
      const { url, secret, retryCount } = flexFlow.integration as {
        url?: string;
        secret?: string;
        retryCount?: number;
      };
      if (!url || !secret) {
        log.warn(
          { flexFlowSid: flexFlow.sid },
          'external Flex Flow without integration.url or integration.secret',
        );
        return false;
      }
      const body = JSON.stringify({
        event: 'onMessageSent',
        flexFlowSid: flexFlow.sid,
        channelSid: channel.sid,
        channelAttributes: channel.attributes,
        messageSid: message.sid,
        index: message.index,
        from: message.from,
        body: message.body,
        attributes: message.attributes,
        dateCreated: message.dateCreated,
      });
      const headers = { 'content-type': 'application/json', [SIGNATURE_HEADER]: signBody(secret, body) };
      const attempts = 1 + Math.min(3, Math.max(0, retryCount ?? 3));
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          const res = await egress.request({
            method: 'POST',
            url: new URL(url),
            headers,
            body,
            timeoutMs: EXTERNAL_TIMEOUT_MS,
            maxBody: 4096,
          });
          if (res.status >= 200 && res.status < 300) return true;
          log.warn(
            { flexFlowSid: flexFlow.sid, status: res.status, attempt },
            'external integration answered with an error',
          );
        } catch (err) {
          log.warn(
            { flexFlowSid: flexFlow.sid, attempt, err: (err as Error).message },
            'external integration unreachable',
          );
        }
        if (attempt < attempts) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
      }
      log.error(
        { flexFlowSid: flexFlow.sid, messageSid: message.sid },
        'external integration gave up after retries',
      );
      return false;
    },
  };
}

/**
 * The messaging connector: how a reply written in Parley leaves for an SMS / WhatsApp-style
 * provider. `MessagingConnectorClient` is the interface a provider implements; the one Parley
 * ships speaks the shape of Twilio's Messages API: a form-encoded POST of `To`, `From`, `Body`,
 * `MediaUrl` (repeated) and `StatusCallback` to the Flex Flow's `messagingConnector.url`, with
 * HTTP Basic auth `<flexFlowSid>:<authToken>` and an `X-Twilio-Signature` under the same token,
 * retried with backoff on a network error or a 5xx / 429 answer.
 */

import type { Logger } from '../../logger.ts';
import type { MessagingConnector } from '../../protocol.ts';
import { TWILIO_SIGNATURE_HEADER, twilioSignature } from './signature.ts';

export const CONNECTOR_TIMEOUT_MS = 10_000;

/** One message for the provider to deliver. */
export interface OutboundMessage {
  flexFlowSid: string;
  /** The customer's address. */
  to: string;
  /** The Flex Flow's contact identity (the proxy address). */
  from: string;
  body: string;
  mediaUrls: string[];
  /** Where the provider reports queued / sent / delivered / failed. */
  statusCallback: string;
}

export interface SendResult {
  ok: boolean;
  /** The provider's id for the message (Twilio's `sid`), when it answered one. */
  providerSid?: string;
}

export interface MessagingConnectorClient {
  send(connector: MessagingConnector, message: OutboundMessage): Promise<SendResult>;
}

export interface HttpConnectorOptions {
  log: Logger;
  /** Attempts in all (default 4). */
  attempts?: number;
  /** Waits between attempts: attempt 1 → base, 2 → 2×base, … */
  backoffMs?: number;
}

/** The Twilio Messages API–shaped connector. */
export function createHttpConnector({
  log,
  attempts = 4,
  backoffMs = 500,
}: HttpConnectorOptions): MessagingConnectorClient {
  return {
    async send(connector, message) {
      const params: Record<string, string | string[]> = {
        To: message.to,
        From: message.from,
        Body: message.body,
        StatusCallback: message.statusCallback,
        ...(message.mediaUrls.length > 0 && { MediaUrl: message.mediaUrls }),
      };
      const form = new URLSearchParams();
      for (const [name, value] of Object.entries(params)) {
        for (const v of Array.isArray(value) ? value : [value]) form.append(name, v);
      }
      const headers = {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${message.flexFlowSid}:${connector.authToken}`).toString('base64')}`,
        [TWILIO_SIGNATURE_HEADER]: twilioSignature(connector.authToken, connector.url, params),
      };
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          const res = await fetch(connector.url, {
            method: 'POST',
            headers,
            body: form.toString(),
            signal: AbortSignal.timeout(CONNECTOR_TIMEOUT_MS),
          });
          if (res.ok) {
            const answer = (await res.json().catch(() => ({}))) as { sid?: unknown };
            return { ok: true, ...(typeof answer.sid === 'string' && { providerSid: answer.sid }) };
          }
          log.warn(
            { flexFlowSid: message.flexFlowSid, status: res.status, attempt },
            'messaging provider refused',
          );
          // A 4xx other than 429 will not get better by asking again.
          if (res.status < 500 && res.status !== 429) return { ok: false };
        } catch (err) {
          log.warn(
            { flexFlowSid: message.flexFlowSid, attempt, err: (err as Error).message },
            'messaging provider unreachable',
          );
        }
        if (attempt < attempts) await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
      }
      log.error({ flexFlowSid: message.flexFlowSid }, 'messaging provider gave up after retries');
      return { ok: false };
    },
  };
}

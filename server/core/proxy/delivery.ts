/**
 * Outbound delivery: a message an agent or the bot writes into a channel of a non-web Flex
 * Flow with a `messagingConnector` goes out to the customer's address through the connector.
 * Its `deliveryStatus` attribute follows it: queued when handed over, then sent / delivered /
 * failed as the provider reports on the status callback; each change is `message.updated`.
 *
 * A file the agent attached (`attributes.media`, a file stored in this conversation) goes as a
 * `MediaUrl`: an absolute link under Parley's public URL, signed and expiring (see
 * core/media-links.ts), which the provider fetches without any credential of ours. While no
 * absolute URL of Parley is known (PARLEY_PUBLIC_URL unset and the server not listening on
 * its own, as when its handler is mounted in another app), the file is left out rather than
 * sent as a link the provider cannot fetch, with one warning naming PARLEY_PUBLIC_URL.
 */

import type { Logger } from '../../logger.ts';
import type { DeliveryStatus } from '../../protocol.ts';
import type { Message, Store } from '../../store/types.ts';
import type { EventBus } from '../events.ts';
import type { MediaLinks } from '../media-links.ts';
import { flexFlowOfMessage, isOutbound } from './channel-flow.ts';
import type { MessagingConnectorClient } from './connector.ts';

/** Twilio's MessageStatus values, as Parley records them. */
const STATUS_OF: Record<string, DeliveryStatus> = {
  accepted: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'failed',
  failed: 'failed',
};
const RANK: Record<DeliveryStatus, number> = { queued: 0, sent: 1, delivered: 2, failed: 2 };

export interface DeliveryDeps {
  store: Store;
  events: EventBus;
  log: Logger;
  connector: MessagingConnectorClient;
  /** Parley's public base URL, for the status callback and media links. */
  publicUrl: () => string | null;
  mediaLinks: MediaLinks;
}

export type Delivery = ReturnType<typeof createDelivery>;

export function createDelivery({ store, events, log, connector, publicUrl, mediaLinks }: DeliveryDeps) {
  let warnedNoPublicUrl = false;
  async function record(channelSid: string, messageSid: string, status: DeliveryStatus, extra = {}) {
    const message = await store.messages.get(channelSid, messageSid);
    if (!message) return null;
    const current = message.attributes.deliveryStatus as DeliveryStatus | undefined;
    // Callbacks may arrive out of order: a status never moves back.
    if (current && RANK[current] > RANK[status]) return message;
    if (current === status && Object.keys(extra).length === 0) return message;
    const updated = await store.messages.updateAttributes(channelSid, messageSid, {
      ...message.attributes,
      ...extra,
      deliveryStatus: status,
    });
    if (updated) events.emit('message.updated', updated);
    return updated;
  }

  /**
   * The sid of the file the message carries, when it is one stored in the message's own
   * conversation: attributes are the writer's, and a link is only ever made to this chat's files.
   */
  async function attachedFile(message: Message): Promise<string | null> {
    const sid = (message.attributes.media as { sid?: unknown } | undefined)?.sid;
    if (typeof sid !== 'string') return null;
    const record = await store.media.get(sid);
    if (record?.channelSid === message.channelSid) return sid;
    log.warn(
      { channelSid: message.channelSid, mediaSid: sid },
      'attachment from another conversation not sent',
    );
    return null;
  }

  return {
    /** Sends the message out when it was written by an agent or the bot on a messaging channel. */
    async onMessage(message: Message): Promise<void> {
      if (!isOutbound(message)) return;
      const flexFlow = await flexFlowOfMessage(store, message);
      if (!flexFlow || flexFlow.channelType === 'web' || !flexFlow.messagingConnector) return;
      const channel = { sid: message.channelSid };
      const [session] = await store.proxySessions.list({ channelSid: channel.sid, status: 'open' });
      const participant = session?.participants[0];
      if (!participant) {
        log.warn({ channelSid: channel.sid }, 'no open proxy session: message not delivered');
        await record(channel.sid, message.sid, 'failed');
        return;
      }
      await record(channel.sid, message.sid, 'queued');
      const base = publicUrl() ?? '';
      const mediaUrls = Array.isArray(message.attributes.mediaUrls)
        ? (message.attributes.mediaUrls as unknown[]).filter((u): u is string => typeof u === 'string')
        : [];
      const attached = await attachedFile(message);
      if (attached && base) mediaUrls.push(`${base}${mediaLinks.pathFor(attached)}`);
      else if (attached && !warnedNoPublicUrl) {
        warnedNoPublicUrl = true;
        log.warn(
          { channelSid: channel.sid, mediaSid: attached },
          "attachments not sent to messaging customers: Parley's public URL is unknown; set PARLEY_PUBLIC_URL to the https:// address the provider reaches Parley at",
        );
      }
      // A relative connector URL (the demo's own fake provider) is resolved against Parley's URL.
      const url = new URL(flexFlow.messagingConnector.url, base || undefined).toString();
      const result = await connector.send(
        { ...flexFlow.messagingConnector, url },
        {
          flexFlowSid: flexFlow.sid,
          to: participant.address,
          from: participant.proxyAddress,
          body: message.body,
          mediaUrls,
          statusCallback: `${base}/webhooks/messaging/status/${message.sid}?channelSid=${channel.sid}`,
        },
      );
      if (!result.ok) await record(channel.sid, message.sid, 'failed');
      else if (result.providerSid) {
        await record(channel.sid, message.sid, 'queued', { providerMessageSid: result.providerSid });
      }
    },

    /**
     * A provider's status callback (`MessageStatus`); returns the updated message, or null
     * when there is no such message. An unknown status is refused by the caller.
     */
    async onStatus(channelSid: string, messageSid: string, providerStatus: string) {
      const status = STATUS_OF[providerStatus];
      if (!status) return undefined;
      return record(channelSid, messageSid, status);
    },
  };
}

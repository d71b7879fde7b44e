/**
 * Replies by email: a message an agent or the bot writes into a conversation of an email Flex
 * Flow is mailed to the customer's address, From the configured sender, with Reply-To the Flex
 * Flow's own address (so the answer comes back through the inbound webhook or Parley's SMTP
 * receiver into the same conversation) and In-Reply-To the customer's latest mail, so it
 * threads in their mail program. `deliveryStatus` follows it: queued, then sent or failed.
 */

import type { Logger } from '../../logger.ts';
import type { DeliveryStatus } from '../../protocol.ts';
import type { Message, Store } from '../../store/types.ts';
import type { EventBus } from '../events.ts';
import { flexFlowOfMessage, isOutbound } from '../proxy/channel-flow.ts';
import { domainOf } from './address.ts';
import type { Mailer } from './mailer.ts';

/** The subject of a reply: the conversation's own, once prefixed. */
export const replySubject = (subject: string) => (/^re:/i.test(subject) ? subject : `Re: ${subject}`);

export function createEmailDelivery({
  store,
  events,
  log,
  mailer,
}: {
  store: Store;
  events: EventBus;
  log: Logger;
  mailer: Mailer | null;
}) {
  async function record(message: Message, status: DeliveryStatus, extra: Record<string, unknown> = {}) {
    const current = await store.messages.get(message.channelSid, message.sid);
    if (!current) return;
    const updated = await store.messages.updateAttributes(message.channelSid, message.sid, {
      ...current.attributes,
      ...extra,
      deliveryStatus: status,
    });
    if (updated) events.emit('message.updated', updated);
  }

  return {
    /** Mails the message out when an agent or the bot wrote it in an email conversation. */
    async onMessage(message: Message): Promise<void> {
      if (!isOutbound(message)) return;
      // Most messages are web chats': the shared lookup answers that without reading the channel.
      const flexFlow = await flexFlowOfMessage(store, message);
      if (flexFlow?.channelType !== 'email') return;
      const channel = await store.channels.get(message.channelSid);
      if (!channel) return;
      const [session] = await store.proxySessions.list({ channelSid: channel.sid, status: 'open' });
      const to = session?.participants[0]?.address;
      if (!mailer || !to) {
        log.warn(
          { channelSid: channel.sid },
          mailer ? 'no open proxy session: email not sent' : 'PARLEY_SMTP_URL is not set: email not sent',
        );
        await record(message, 'failed');
        return;
      }
      await record(message, 'queued');
      const inReplyTo = channel.attributes.lastEmailMessageId as string | undefined;
      const subject = String(channel.attributes.subject ?? flexFlow.friendlyName);
      try {
        const sent = await mailer.send({
          to,
          replyTo: flexFlow.contactIdentity,
          subject: replySubject(subject),
          text: `${message.body}\n\n— ${message.authorName}, ${flexFlow.friendlyName}`,
          messageId: `<${message.sid}.${channel.sid}@${domainOf(flexFlow.contactIdentity)}>`,
          ...(inReplyTo && {
            inReplyTo: `<${inReplyTo.replace(/^<|>$/g, '')}>`,
            references: [`<${inReplyTo.replace(/^<|>$/g, '')}>`],
          }),
        });
        await record(message, 'sent', { emailMessageId: sent.messageId });
      } catch (err) {
        log.error({ channelSid: channel.sid, err: (err as Error).message }, 'email reply failed');
        await record(message, 'failed');
      }
    },
  };
}

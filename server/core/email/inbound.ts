/**
 * Mail from customers into conversations, whichever way it arrives (a provider's inbound-parse
 * webhook, Parley's own SMTP receiver): the sender's address is the proxy session's address on
 * the email Flex Flow, so a reply lands in the conversation that address has open, and a first
 * mail opens one. Each mail is posted once per Message-ID, whatever retries the provider makes.
 */
import { ParleyError } from '../../errors.ts';
import { LIMITS } from '../../schemas.ts';
import type { FlexFlow, Message, Store } from '../../store/types.ts';
import type { Conversations } from '../conversations.ts';
import type { ProxySessions } from '../proxy/sessions.ts';
import { displayNameOf, mailboxOf, replyText } from './address.ts';

export interface InboundEmail {
  /** The From header or envelope sender: `Dana <dana@example.com>`. */
  from: string;
  /** Every recipient; one of them must be the Flex Flow's address. */
  to: string[];
  subject: string;
  /** The plain-text body, quoted history and all (it is cut here). */
  text: string;
  messageId: string;
  /** Mail programs mark automatic answers (out of office); they are never posted. */
  autoSubmitted?: boolean;
}

const invalid = (message: string) => new ParleyError('invalid_request', message, 400);

export function createEmailInbound({
  store,
  conversations,
  sessions,
}: {
  store: Store;
  conversations: Conversations;
  sessions: ProxySessions;
}) {
  return {
    open,

    /** Posts the mail as the customer's message; null when it is an automatic answer, ignored. */
    async receive(
      flexFlow: FlexFlow,
      mail: InboundEmail,
    ): Promise<{ message: Message; created: boolean } | null> {
      const from = mailboxOf(mail.from);
      if (!from)
        throw invalid(
          `from must be an email address like "dana@example.com", got "${mail.from.slice(0, 80)}"`,
        );
      const own = flexFlow.contactIdentity.toLowerCase();
      if (!mail.to.some((to) => mailboxOf(to) === own)) {
        throw invalid(`recipient must be this Flex Flow's contactIdentity (${flexFlow.contactIdentity})`);
      }
      // Out-of-office answers, and mail from the Flex Flow's own address, would echo for ever.
      if (mail.autoSubmitted || from === own) return null;
      const messageId = mail.messageId.trim().slice(0, LIMITS.clientId - 6);
      if (!messageId) throw invalid('Message-Id is required: it is what makes a retried delivery post once');
      const { channel, created } = await open(flexFlow, from, {
        subject: mail.subject,
        name: displayNameOf(mail.from) ?? from,
      });
      let body = replyText(mail.text) || '(empty email)';
      if (body.length > LIMITS.messageBody) body = `${body.slice(0, LIMITS.messageBody - 1)}…`;
      const posted = await conversations.post({
        channelSid: channel.sid,
        from,
        body,
        clientId: `email:${messageId}`,
        attributes: { emailMessageId: messageId, subject: mail.subject.slice(0, 300) },
      });
      if (posted.created || created) {
        // Replies thread under the customer's latest mail.
        const current = await conversations.getChannel(channel.sid);
        await store.channels.update(channel.sid, {
          attributes: { ...current.attributes, lastEmailMessageId: messageId },
        });
      }
      return posted;
    },
  };

  /** The address's open conversation on the Flex Flow, or a new one titled by `subject`. */
  async function open(flexFlow: FlexFlow, address: string, about: { subject: string; name: string }) {
    await contactFor(address, about.name.slice(0, LIMITS.friendlyName));
    const opened = await sessions.openFor(flexFlow, address);
    if (opened.created && !opened.channel.attributes.subject) {
      const title = about.subject.trim().slice(0, 300) || '(no subject)';
      const channel = await store.channels.update(opened.channel.sid, {
        friendlyName: title.slice(0, 120),
        attributes: { ...opened.channel.attributes, subject: title, email: address },
      });
      return { ...opened, channel };
    }
    return opened;
  }

  /** The contact of an address: its identity is the address itself (never a web visitor's). */
  async function contactFor(address: string, name: string) {
    return (
      (await store.contacts.findByIdentity(address)) ??
      (await store.contacts.create({ identity: address, friendlyName: name, address }))
    );
  }
}

/**
 * Transcripts by email: at the end of a chat the visitor may have it mailed to an address they
 * give. A channel is mailed at most `MAX_TRANSCRIPTS` times, so a widget session cannot be
 * turned into a way of sending mail to strangers.
 */
import { conflict, ParleyError } from '../../errors.ts';
import type { Message, Store } from '../../store/types.ts';
import type { Mailer } from './mailer.ts';

export const MAX_TRANSCRIPTS = 3;
const MAX_MESSAGES = 2000;

const stamp = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** The conversation as plain text, one message a paragraph. */
export function transcriptText(messages: Message[]): string {
  return messages
    .map((m) => {
      const who = m.authorRole === 'system' ? '' : `${m.authorName}: `;
      const file = (m.attributes.media as { filename?: unknown } | undefined)?.filename;
      const media = typeof file === 'string' ? ` [file: ${file}]` : '';
      return `[${stamp(m.dateCreated)}] ${who}${m.body}${media}`;
    })
    .join('\n\n');
}

export function createTranscripts({ store, mailer }: { store: Store; mailer: Mailer | null }) {
  return {
    /** Mails the channel's transcript to `to`. */
    async send(channelSid: string, to: string): Promise<{ sent: number }> {
      if (!mailer) {
        throw new ParleyError(
          'email_unavailable',
          'Transcripts by email need PARLEY_SMTP_URL and PARLEY_SMTP_FROM on the server',
          503,
        );
      }
      const channel = await store.channels.get(channelSid);
      if (!channel) throw new ParleyError('not_found', `Channel ${channelSid} not found`, 404);
      const sent = Number(channel.attributes.transcriptsEmailed ?? 0);
      if (sent >= MAX_TRANSCRIPTS) {
        throw conflict(`This chat's transcript was already emailed ${MAX_TRANSCRIPTS} times`);
      }
      // Counted before sending: two requests at once cannot both pass the limit unseen for long.
      await store.channels.update(channelSid, {
        attributes: { ...channel.attributes, transcriptsEmailed: sent + 1 },
      });
      const flexFlow = await store.flexFlows.get(channel.flexFlowSid);
      const messages = await store.messages.list(channelSid, { limit: MAX_MESSAGES });
      const title = flexFlow?.friendlyName ?? 'Parley';
      await mailer.send({
        to,
        subject: `Your chat with ${title}`,
        text: `Here is your conversation with ${title}, as you asked.\n\n${transcriptText(messages)}\n`,
      });
      return { sent: sent + 1 };
    },
  };
}

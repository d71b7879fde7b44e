/**
 * Email as a channel, wired: an email Flex Flow (`channelType: "email"`, `contactIdentity` the
 * support address) threads conversations by the customer's address through proxy sessions,
 * like SMS; replies go out over SMTP; mail comes in through the inbound-parse webhook or
 * Parley's own SMTP receiver; offline-form messages and transcripts are answered by email.
 */

import type { Logger } from '../../logger.ts';
import type { Store } from '../../store/types.ts';
import type { Conversations } from '../conversations.ts';
import type { EventBus } from '../events.ts';
import { isOutbound } from '../proxy/channel-flow.ts';
import { createProxySessions } from '../proxy/sessions.ts';
import type { Routing } from '../routing/index.ts';
import { createEmailDelivery } from './delivery.ts';
import { createEmailInbound } from './inbound.ts';
import { createSmtpMailer, type EmailSettings, type Mailer } from './mailer.ts';
import { createOfflineEmail } from './offline.ts';
import { type SmtpListen, type SmtpReceiver, startSmtpReceiver } from './receiver.ts';
import { createTranscripts } from './transcript.ts';

export interface EmailOptions extends Partial<EmailSettings> {
  /** Run Parley's SMTP receiver here (PARLEY_SMTP_LISTEN); off when unset. */
  listen?: SmtpListen;
  /** The key the inbound-parse webhook is signed with (PARLEY_EMAIL_SIGNING_KEY); the webhook is off without it. */
  signingKey?: string;
  /** A mailer of your own instead of SMTP from `smtpUrl`. */
  mailer?: Mailer;
}

export interface EmailDeps {
  store: Store;
  events: EventBus;
  conversations: Conversations;
  routing: Routing;
  log: Logger;
  track: (work: Promise<unknown>) => void;
}

export type Email = ReturnType<typeof createEmail>;

export function createEmail(deps: EmailDeps, options: EmailOptions = {}) {
  const { store, events, conversations, routing, log, track } = deps;
  const mailer =
    options.mailer ??
    (options.smtpUrl && options.from
      ? createSmtpMailer({ smtpUrl: options.smtpUrl, from: options.from, log })
      : null);
  const sessions = createProxySessions({ store, conversations });
  const inbound = createEmailInbound({ store, conversations, sessions });
  const delivery = createEmailDelivery({ store, events, log, mailer });
  events.on('message.created', (message) => {
    if (isOutbound(message)) track(delivery.onMessage(message));
  });
  let receiver: SmtpReceiver | null = null;
  return {
    mailer,
    inbound,
    offline: createOfflineEmail({ store, conversations, routing, inbound, mailer }),
    transcripts: createTranscripts({ store, mailer }),
    signingKey: options.signingKey ?? null,
    /** The SMTP receiver's address while it runs. */
    receiverAddress: () => receiver?.address ?? null,
    async start() {
      if (options.listen && !receiver) {
        receiver = await startSmtpReceiver({ listen: options.listen, store, inbound, log, track });
      }
    },
    /** Stops taking mail (first, on shutdown: what is in flight still finishes). */
    async stopReceiving() {
      await receiver?.close();
      receiver = null;
    },
    /** Closes the SMTP connections, once nothing is sending. */
    close() {
      mailer?.close();
    },
  };
}

/**
 * Sending mail: one SMTP transport (nodemailer) from `PARLEY_SMTP_URL`, every message From
 * `PARLEY_SMTP_FROM`. A temporary failure (no connection, a 4xx answer) is tried again with
 * backoff; a permanent one (5xx: no such mailbox, refused) is not.
 */
import { createTransport } from 'nodemailer';
import type { Logger } from '../../logger.ts';

export interface EmailSettings {
  /** `smtp://user:pass@host:587` or `smtps://…:465` (PARLEY_SMTP_URL). */
  smtpUrl: string;
  /** `Shop support <support@shop.example>` (PARLEY_SMTP_FROM). */
  from: string;
}

export interface OutgoingEmail {
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  /** `<id@domain>`: set so that the customer's reply can name it in In-Reply-To. */
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
}

export interface Mailer {
  /** The From every message carries. */
  readonly from: string;
  /** Resolves with the message's Message-ID once the SMTP server took it; rejects after the retries. */
  send(mail: OutgoingEmail): Promise<{ messageId: string }>;
  close(): void;
}

export interface MailerOptions extends EmailSettings {
  log: Logger;
  /** Attempts in all (default 3). */
  attempts?: number;
  backoffMs?: number;
}

/** A mailer over SMTP. */
export function createSmtpMailer({
  smtpUrl,
  from,
  log,
  attempts = 3,
  backoffMs = 500,
}: MailerOptions): Mailer {
  const transport = createTransport(smtpUrl);
  return {
    from,
    async send(mail) {
      for (let attempt = 1; ; attempt++) {
        try {
          const info = await transport.sendMail({ from, ...mail });
          return { messageId: info.messageId };
        } catch (err) {
          const code = (err as { responseCode?: number }).responseCode;
          const permanent = code !== undefined && code >= 500;
          log.warn({ attempt, responseCode: code, err: (err as Error).message }, 'email not sent');
          if (permanent || attempt >= attempts) throw err;
          await new Promise((r) => setTimeout(r, backoffMs * 2 ** (attempt - 1)));
        }
      }
    },
    close() {
      transport.close();
    },
  };
}

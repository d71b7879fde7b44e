/**
 * Parley's own SMTP receiver (PARLEY_SMTP_LISTEN): point the MX of the support address (or a
 * forwarding rule) at it and customers' mail goes straight into conversations. It is not a
 * relay: a recipient that is no enabled email Flex Flow's address is refused at RCPT TO, and
 * a mail over `MAX_MAIL_BYTES` is refused whole.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { ParleyError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { FlexFlow, Store } from '../../store/types.ts';
import type { createEmailInbound } from './inbound.ts';

export const MAX_MAIL_BYTES = 1_000_000;

export interface SmtpListen {
  host: string;
  port: number;
}

export interface SmtpReceiver {
  /** Where it listens (the port is the real one when 0 was asked for). */
  address: SmtpListen;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) =>
  Object.assign(new Error(message), { responseCode: code });

/** Automatic answers (out of office, bounces) are marked so; answering them would loop. */
function isAutomatic(headers: Map<string, unknown>): boolean {
  const auto = String(headers.get('auto-submitted') ?? 'no').toLowerCase();
  const precedence = String(headers.get('precedence') ?? '').toLowerCase();
  return (
    auto !== 'no' || ['bulk', 'junk', 'auto_reply', 'list'].includes(precedence) || headers.has('x-autoreply')
  );
}

export async function startSmtpReceiver({
  listen,
  store,
  inbound,
  log,
  track,
}: {
  listen: SmtpListen;
  store: Store;
  inbound: ReturnType<typeof createEmailInbound>;
  log: Logger;
  track: (work: Promise<unknown>) => void;
}): Promise<SmtpReceiver> {
  // Loaded only when the receiver is on: most installations never need it.
  const { SMTPServer } = await import('smtp-server');

  async function flexFlowFor(address: string): Promise<FlexFlow | null> {
    const wanted = address.toLowerCase();
    return (
      (await store.flexFlows.list()).find(
        (f) => f.enabled && f.channelType === 'email' && f.contactIdentity.toLowerCase() === wanted,
      ) ?? null
    );
  }

  async function take(stream: SMTPServerDataStream, session: SMTPServerSession) {
    const mail = await simpleParser(stream);
    if (stream.sizeExceeded) throw smtpError(552, `Message larger than ${MAX_MAIL_BYTES} bytes`);
    const from = mail.from?.text || (session.envelope.mailFrom ? session.envelope.mailFrom.address : '');
    for (const recipient of session.envelope.rcptTo) {
      const flexFlow = await flexFlowFor(recipient.address);
      if (!flexFlow) continue;
      await inbound.receive(flexFlow, {
        from,
        to: [recipient.address],
        subject: mail.subject ?? '',
        text: mail.text ?? '',
        messageId: mail.messageId ?? `${randomUUID()}@parley`,
        autoSubmitted: isAutomatic(mail.headers as Map<string, unknown>),
      });
    }
  }

  const server = new SMTPServer({
    banner: 'Parley',
    authOptional: true,
    disabledCommands: ['AUTH'],
    size: MAX_MAIL_BYTES,
    logger: false,
    onRcptTo(address, _session, callback) {
      flexFlowFor(address.address).then(
        (flexFlow) => callback(flexFlow ? null : smtpError(550, `No mailbox here for ${address.address}`)),
        (err) => callback(smtpError(451, (err as Error).message)),
      );
    },
    onData(stream, session, callback) {
      const work = take(stream, session).then(
        () => callback(),
        (err) => {
          log.warn({ err: (err as Error).message }, 'inbound email refused');
          // A mail Parley cannot take is refused for good; its own trouble asks the sender to retry.
          if ((err as { responseCode?: number }).responseCode) callback(err as Error);
          else if (err instanceof ParleyError && err.status < 500) {
            callback(smtpError(550, `Message refused: ${err.message}`));
          } else callback(smtpError(451, 'Try again later'));
        },
      );
      track(work);
    },
  });
  server.on('error', (err) => log.error({ err }, 'SMTP receiver error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  log.info({ host: listen.host, port }, 'SMTP receiver listening');
  return {
    address: { host: listen.host, port },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Mail from an email provider's inbound-parse webhook: `POST /webhooks/email/:flexFlowSid`,
 * form-encoded in the shape Mailgun forwards mail (`sender`, `from`, `recipient`, `subject`,
 * `body-plain`, `stripped-text`, `Message-Id`, `Auto-Submitted`), signed with `timestamp`,
 * `token` and `signature` under PARLEY_EMAIL_SIGNING_KEY (see core/email/signature.ts).
 * Without the key the webhook answers 404: an unsigned way in is never open.
 */
import express, { Router } from 'express';
import { z } from 'zod';
import { checkEmailWebhookSignature } from '../core/email/signature.ts';
import type { Core } from '../core/index.ts';
import { forbidden, notFound, ParleyError } from '../errors.ts';
import { parse } from '../schemas.ts';

const text = (max: number) => z.string().max(max);

const inboundEmailForm = z
  .object({
    sender: text(400).optional(),
    from: text(400).optional(),
    recipient: text(2000),
    subject: text(2000).default(''),
    'body-plain': text(200_000).default(''),
    'stripped-text': text(200_000).optional(),
    'Message-Id': text(400).min(
      1,
      'is required: the mail\'s Message-Id header, e.g. "<abc@mail.example.com>"',
    ),
    'Auto-Submitted': text(100).optional(),
    timestamp: text(20),
    token: text(200),
    signature: text(200),
  })
  .catchall(text(200_000))
  .refine((form) => form.from || form.sender, { message: 'from (or sender) is required', path: ['from'] });

export function emailWebhooksRouter(core: Core): Router {
  const router = Router();
  router.use('/webhooks/email', (req, _res, next) => {
    // Attachments make providers send multipart: Parley takes the text of a mail only.
    if (req.is('multipart/form-data')) {
      next(
        new ParleyError(
          'unsupported_media_type',
          'Send the mail as application/x-www-form-urlencoded (attachments are not taken)',
          415,
        ),
      );
    } else next();
  });
  router.use('/webhooks/email', express.urlencoded({ extended: false, limit: '512kb', parameterLimit: 200 }));

  router.post('/webhooks/email/:flexFlowSid', async (req, res) => {
    const signingKey = core.email.signingKey;
    const flexFlow = await core.store.flexFlows.get(req.params.flexFlowSid);
    if (!signingKey || flexFlow?.channelType !== 'email')
      throw notFound('email Flex Flow', req.params.flexFlowSid);
    const form = (req.body ?? {}) as Record<string, unknown>;
    for (const [name, value] of Object.entries(form)) {
      if (typeof value !== 'string') {
        throw new ParleyError(
          'invalid_request',
          `form.${name}: sent more than once; send each field once`,
          400,
        );
      }
    }
    const refused = checkEmailWebhookSignature(signingKey, form as Record<string, string>, new Date());
    if (refused) throw forbidden(refused);
    if (!flexFlow.enabled) {
      throw new ParleyError('flex_flow_disabled', `Flex Flow ${flexFlow.sid} is disabled`, 409);
    }
    const mail = parse(inboundEmailForm, form, 'form');
    const posted = await core.email.inbound.receive(flexFlow, {
      from: mail.from || mail.sender || '',
      to: mail.recipient.split(','),
      subject: mail.subject,
      text: mail['stripped-text'] ?? mail['body-plain'],
      messageId: mail['Message-Id'],
      autoSubmitted: Boolean(mail['Auto-Submitted'] && mail['Auto-Submitted'].toLowerCase() !== 'no'),
    });
    res.json(
      posted
        ? { channelSid: posted.message.channelSid, messageSid: posted.message.sid, created: posted.created }
        : { ignored: 'automatic reply' },
    );
  });
  return router;
}

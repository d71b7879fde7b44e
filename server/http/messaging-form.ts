/**
 * The form of an inbound messaging webhook, checked before anything is stored: each field at
 * most once, a body no longer than one Twilio message (1,600 characters), and a sender that is
 * a messaging address (`+15551234567`, `whatsapp:+15551234567`, `messenger:1234567890`), never
 * a web visitor's or a verified user's identity, so an SMS can never attach to their contact.
 */
import { z } from 'zod';
import { isMessagingAddress, MAX_INBOUND_BODY } from '../core/proxy/inbound.ts';
import { ParleyError } from '../errors.ts';
import { parse } from '../schemas.ts';

const MAX_INBOUND_MEDIA = 10;

const field = z.string().max(2000);

const inboundForm = z
  .object({
    From: z.string().refine(isMessagingAddress, {
      message:
        'must be a phone number like "+15557777" or a channel address like "whatsapp:+15557777" or "messenger:1234567890"',
    }),
    To: z.string().max(200),
    MessageSid: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be the provider\'s message id, e.g. "SM…" (letters and digits)'),
    Body: z
      .string()
      .max(MAX_INBOUND_BODY, `must be at most ${MAX_INBOUND_BODY} characters (one provider message)`)
      .default(''),
    NumMedia: z
      .string()
      .regex(/^\d{1,2}$/, 'must be a whole number')
      .refine((n) => Number(n) <= MAX_INBOUND_MEDIA, `must be at most ${MAX_INBOUND_MEDIA}`)
      .optional(),
  })
  // Providers send many more fields (AccountSid, FromCity, MediaUrl0…): kept, each a bounded string.
  .catchall(field);

export type InboundForm = z.infer<typeof inboundForm>;

/** The webhook's form, or a 400 naming the first field that is wrong and how to fix it. */
export function parseInboundForm(form: unknown): InboundForm {
  if (form && typeof form === 'object') {
    for (const [name, value] of Object.entries(form)) {
      if (typeof value !== 'string') {
        throw new ParleyError(
          'invalid_request',
          `form.${name}: sent more than once (or with brackets); send each field once`,
          400,
        );
      }
    }
  }
  return parse(inboundForm, form, 'form');
}

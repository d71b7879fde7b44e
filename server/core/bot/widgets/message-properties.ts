/**
 * Studio's properties of the two messaging widgets beyond `body`: who a message is addressed
 * to (`to`; `from`, `service` and `channel` name the sender on Twilio and mean nothing in a
 * Parley conversation) and content templates (`message_type: content_template`,
 * `content_sid`, `content_variables`), which live in Twilio's Content API. A message Parley
 * cannot deliver as the flow means it takes the widget's failure event instead of going to
 * the customer in another shape.
 */
import { render, type TemplateScope } from '../templates.ts';

const blank = (v: unknown) => v === undefined || v === null || String(v).trim() === '';

/** Whether the widget sends a content template (then it needs no `body` in Studio). */
export function isContentTemplate(properties: Record<string, unknown>): boolean {
  return (
    properties.message_type === 'content_template' ||
    (blank(properties.body) && !blank(properties.content_sid))
  );
}

/** `body`, unless the widget sends a content template. */
export function requiredBody(properties: Record<string, unknown>): string[] {
  return isContentTemplate(properties) ? [] : ['body'];
}

// Templates a `to` may read that all name the customer of the conversation.
// (`flow.channel.address` is the flow's own address, as in Studio.)
const CUSTOMER = /contact\.channel\.address|trigger\.message\.From|trigger\.conversation\.Author/;

/** What of the widget's properties will not do here what it does on Twilio. */
export function messageWarnings(properties: Record<string, unknown>, failure: string): string[] {
  const warnings: string[] = [];
  if (isContentTemplate(properties)) {
    const sid = blank(properties.content_sid) ? '' : ` ${String(properties.content_sid)}`;
    warnings.push(
      blank(properties.body)
        ? `sends the content template${sid}, which lives in Twilio's Content API: the widget takes ${failure} until you give it a "body" (the text to send instead)`
        : `sends the content template${sid} on Twilio; Parley sends its "body" instead`,
    );
  }
  if (!blank(properties.to) && !CUSTOMER.test(String(properties.to)))
    warnings.push(
      `"to" may name someone other than the customer: Parley sends only into the conversation, so the widget takes ${failure} when "to" is not the customer's address ({{contact.channel.address}})`,
    );
  return warnings;
}

const at = (value: unknown, ...path: string[]) =>
  path.reduce<unknown>(
    (v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined),
    value,
  );
const text = (v: unknown) => (blank(v) ? '' : String(v).trim());

/** The addresses that mean the customer of this execution. */
function customerAddresses(scope: TemplateScope): Set<string> {
  return new Set(
    [
      at(scope, 'contact', 'channel', 'address'),
      at(scope, 'contact', 'identity'),
      at(scope, 'trigger', 'message', 'From'),
      at(scope, 'trigger', 'conversation', 'Author'),
    ]
      .filter((v) => !blank(v))
      .map((v) => String(v).trim()),
  );
}

/**
 * Who the message goes to: the rendered `to`, else the customer's address; or why it cannot be
 * sent as the flow means it. The reason never quotes a rendered value (it may be the visitor's
 * text).
 */
export function recipientOf(
  properties: Record<string, unknown>,
  scope: TemplateScope,
): { to: string } | { error: string } {
  if (isContentTemplate(properties) && blank(properties.body))
    return {
      error: 'a content template needs Twilio\'s Content API; give the widget a "body" to send instead',
    };
  const to = blank(properties.to) ? '' : render(properties.to, scope).trim();
  if (to && !customerAddresses(scope).has(to))
    return { error: '"to" names someone other than the customer; Parley sends only into the conversation' };
  return { to: to || text(at(scope, 'contact', 'channel', 'address')) };
}

/**
 * Studio's `widgets.NAME.outbound` of a messaging widget, as a Parley conversation has it: the
 * text sent, who it went to (`recipientOf`) and from (the flow's own address,
 * `flow.channel.address`). `Sid` joins once the message is stored (`withSid`); Twilio's delivery
 * `Status` has no counterpart here and is not set.
 */
export function outboundOf(to: string, scope: TemplateScope, body: string): Record<string, unknown> {
  return { Body: body, To: to, From: text(at(scope, 'flow', 'channel', 'address')) };
}

/** The `outbound` the widget `name` entered with, and the sid its message was stored under. */
export function withSid(scope: TemplateScope, name: string, sid: string): Record<string, unknown> {
  const outbound = at(scope, 'widgets', name, 'outbound');
  return { ...(outbound && typeof outbound === 'object' ? outbound : {}), Sid: sid };
}

/**
 * Quick replies, a Parley addition to send-message and send-and-wait-for-reply: the property
 * `quick_replies` (a list of strings, each templated) becomes buttons the visitor taps; a tap
 * is sent as the reply text. They travel in the message's `attributes.quickReplies`.
 */
import { render, renderJson, type TemplateScope } from '../templates.ts';

export function checkQuickReplies(properties: Record<string, unknown>): string[] {
  const value = properties.quick_replies;
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    return ['quick_replies must be a list of strings, e.g. ["Track an order", "Talk to a person"]'];
  }
  return value.length > 10 ? ['quick_replies can hold at most 10 replies'] : [];
}

export function messageAttributes(
  properties: Record<string, unknown>,
  scope: TemplateScope,
): Record<string, unknown> {
  const base =
    properties.attributes === undefined
      ? {}
      : (renderAttributes(properties.attributes, scope) as Record<string, unknown>);
  const replies = Array.isArray(properties.quick_replies)
    ? properties.quick_replies.map((r) => render(r, scope).trim()).filter(Boolean)
    : [];
  return replies.length > 0 ? { ...base, quickReplies: replies } : base;
}

function renderAttributes(value: unknown, scope: TemplateScope) {
  const rendered = renderJson(value, scope);
  return rendered && typeof rendered === 'object' && !Array.isArray(rendered)
    ? rendered
    : { value: rendered };
}

/**
 * `send-to-flex`: hands the conversation to an agent. `attributes` (templated JSON) become the
 * task's attributes; `workflow` (a `WW…` sid) routes it, and one this server lacks takes
 * `failedToEnqueue` (references.ts warns at validation); `priority`, `timeout` as Studio's;
 * each templated. The task is created and the bot leaves the conversation. Events
 * `callComplete`, `failedToEnqueue`; `waitUrl` (hold music on a call) is voice-only. `channel`
 * names a TaskRouter TaskChannel (`TC…`: chat, sms, voice) in the Twilio account the flow came
 * from; Parley routes every conversation as one chat task on the agent's chat capacity, so it
 * is kept but changes nothing.
 */
import { render, renderJson, type TemplateScope } from '../templates.ts';
import type { Widget } from './types.ts';

/** A property as text, rendered (Studio accepts Liquid in each); absent or blank is undefined. */
function text(value: unknown, scope: TemplateScope): string | undefined {
  const rendered = value === undefined || value === null ? '' : render(value, scope).trim();
  return rendered === '' ? undefined : rendered;
}

export const sendToFlex: Widget = {
  type: 'send-to-flex',
  required: [],
  events: ['callComplete', 'failedToEnqueue', 'callFailure'],
  enter(properties, { scope }) {
    const attributes = properties.attributes === undefined ? {} : renderJson(properties.attributes, scope);
    if (!attributes || typeof attributes !== 'object' || Array.isArray(attributes)) {
      return { event: 'failedToEnqueue', outputs: { error: 'attributes must render to a JSON object' } };
    }
    return {
      effects: [
        {
          type: 'sendToFlex',
          workflow: text(properties.workflow, scope),
          channel: text(properties.channel, scope),
          attributes: attributes as Record<string, unknown>,
          priority: Number(text(properties.priority, scope) ?? 0) || 0,
          timeout: Number(text(properties.timeout, scope) ?? 86_400) || 86_400,
        },
      ],
    };
  },
  resume(_properties, _context, input) {
    if (input.kind !== 'effect') return null;
    return {
      event: input.outcome === 'callComplete' ? 'callComplete' : 'failedToEnqueue',
      outputs: input.outputs,
    };
  },
};

/** `end-chat`, a Parley addition: closes the conversation (optionally after `body`) and ends the execution. */
import { render } from '../templates.ts';
import type { Widget } from './types.ts';

export const endChat: Widget = {
  type: 'end-chat',
  required: [],
  events: ['ended'],
  enter(properties, { scope }) {
    const body = properties.body === undefined ? '' : render(properties.body, scope);
    return {
      effects: [
        ...(body ? [{ type: 'sendMessage' as const, body, attributes: {} }] : []),
        { type: 'endChat' },
      ],
    };
  },
  resume(_properties, _context, input) {
    return input.kind === 'effect' && input.outcome === 'ended' ? { event: 'ended' } : null;
  },
};

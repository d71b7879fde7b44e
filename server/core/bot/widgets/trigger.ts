/** `trigger`: where every execution starts. Studio's voice/conversation events are accepted in definitions but never fire here. */
import type { Widget } from './types.ts';

export const trigger: Widget = {
  type: 'trigger',
  required: [],
  events: [
    'incomingMessage',
    'incomingRequest',
    'incomingCall',
    'incomingConversationMessage',
    'incomingParent',
  ],
  enter() {
    throw new Error('the trigger is entered only by starting an execution');
  },
};

/** Bot flows tests and benchmarks share. */

/** The flow's trigger, going to `next` on a visitor's message. */
const trigger = (next: string) => ({
  name: 'Trigger',
  type: 'trigger',
  properties: {},
  transitions: [{ event: 'incomingMessage', next }],
});

/**
 * Answers every visitor message with `body` for as long as the chat lasts. The loop goes through
 * two widgets in turn: one widget running 10 times in a row ends an execution (Studio's limit,
 * docs/flows.md), which would leave the visitor's tenth message after the first unanswered.
 */
export function answeringFlow(body: string) {
  const ask = (name: string, next: string) => ({
    name,
    type: 'send-and-wait-for-reply',
    properties: { body },
    transitions: [
      { event: 'incomingMessage', next },
      { event: 'timeout', next },
    ],
  });
  return {
    initial_state: 'Trigger',
    states: [trigger('ask'), ask('ask', 'askAgain'), ask('askAgain', 'ask')],
  };
}

/**
 * Looks the visitor's order up with a GET of `url` (a `make-http-request`, which may use
 * Liquid) and says the parsed `status`, or that the service is not reachable.
 */
export function lookupFlow(url: string) {
  const say = (name: string, body: string) => ({
    name,
    type: 'send-message',
    properties: { body },
    transitions: [],
  });
  return {
    initial_state: 'Trigger',
    states: [
      trigger('lookup'),
      {
        name: 'lookup',
        type: 'make-http-request',
        properties: { method: 'GET', url, content_type: 'application/json' },
        transitions: [
          { event: 'success', next: 'found' },
          { event: 'failed', next: 'sorry' },
        ],
      },
      say('found', 'Your order is {{ widgets.lookup.parsed.status }}'),
      say('sorry', 'Sorry, the order service is not reachable'),
    ],
  };
}

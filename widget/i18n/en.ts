/**
 * English strings, built into the widget. Other locales mirror this object's keys and are
 * loaded on demand (see ./index.ts). `{name}` is replaced by `format`.
 */
export const en = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
  endChat: 'End chat',
  startNewChat: 'Start new chat',
  title: 'Chat with us',
  subtitle: 'We usually reply in a few minutes',
  conversation: 'Conversation',
  message: 'Message',
  placeholder: 'Write a message…',
  send: 'Send',
  typing: '{name} is typing…',
  sending: 'Sending…',
  notDelivered: 'Not delivered: {name}',
  you: 'You',
  offline: 'Connection lost. Your messages will be sent when it is back.',
  connecting: 'Connecting…',
  ended: 'This chat has ended.',
  startFailed: 'The chat could not start: {name}',
  retry: 'Try again',
};

export type Strings = typeof en;

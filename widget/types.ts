/**
 * The widget's public types: what `createWebchat()` takes and returns, and the events an
 * embedding page can listen to. Everything here is part of the npm contract.
 */
import type { ChannelDTO, MessageDTO } from '../server/protocol';

export type { ChannelDTO, MessageDTO };

export interface WebchatOptions {
  /** The Flex Flow (`FO…`) that handles this site's conversations. */
  flexFlowSid: string;
  /** Where the Parley server runs; defaults to the page's origin. */
  serverUrl?: string;
  /** Element the widget's host is appended to; defaults to `document.body`. */
  container?: HTMLElement;
  /** Open the chat window at once. */
  startOpen?: boolean;
  /** The visitor's name, shown to agents (see also `identify`). */
  customerFriendlyName?: string;
  /** Extra context passed to the conversation as pre-engagement data (see also `setContext`). */
  context?: Record<string, string>;
  /** UI language; English strings are built in. */
  locale?: string;
}

/** A visitor the embedding site already knows. */
export interface WebchatIdentity {
  name?: string;
}

export interface WebchatEvents {
  open: () => void;
  close: () => void;
  /** Every message that reaches the visitor's conversation, including their own. */
  message: (message: MessageDTO) => void;
  /** The conversation ended (by the visitor, an agent or the janitor). */
  ended: (channel: ChannelDTO) => void;
}

export type WebchatEventName = keyof WebchatEvents;

export interface Webchat {
  open(): void;
  close(): void;
  toggle(): void;
  /** Names the visitor for conversations started from now on. */
  identify(identity: WebchatIdentity): void;
  /** Merges context into the pre-engagement data of conversations started from now on. */
  setContext(context: Record<string, string>): void;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends WebchatEventName>(event: E, listener: WebchatEvents[E]): () => void;
  off<E extends WebchatEventName>(event: E, listener: WebchatEvents[E]): void;
  /** Disconnects and removes the widget from the page (the stored session is kept). */
  shutdown(): void;
  /** The widget's host element (its open shadow root holds the UI). */
  readonly element: HTMLElement;
}

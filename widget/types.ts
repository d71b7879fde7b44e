/**
 * The widget's public types: what `createWebchat()` takes and returns, and the events an
 * embedding page can listen to. Everything here is part of the npm contract; the script tag
 * takes the same keys as `data-` attributes (kebab-case, JSON for objects) or `window.parleySettings`.
 */
import type { ChannelDTO, MessageDTO, PreEngagementField } from '../server/protocol';
import type { Strings } from './i18n/en';

export type { ChannelDTO, MessageDTO, PreEngagementField, Strings };

export interface PreEngagementConfig {
  description?: string;
  submitLabel?: string;
  fields: PreEngagementField[];
}

export interface FileAttachmentConfig {
  enabled: boolean;
  /** Bytes; the server enforces its own limit too. Default 10 MB. */
  maxFileSize?: number;
  /** Lower-case extensions without the dot, e.g. `['png', 'pdf']`. */
  acceptedExtensions?: string[];
}

export interface WebchatTheme {
  /** CSS colors; each becomes a `--parley-<kebab-name>` custom property on the host. */
  colors?: Partial<
    Record<
      | 'primary'
      | 'onPrimary'
      | 'surface'
      | 'text'
      | 'muted'
      | 'agentBubble'
      | 'botBubble'
      | 'border'
      | 'danger',
      string
    >
  >;
  /** A CSS font-family list. */
  font?: string;
  /** Corner radius of the window in px (bubbles follow). */
  radius?: number;
  /** Which corner the launcher and window sit in. Default `right`. */
  position?: 'left' | 'right';
  /** Distance from the side and from the bottom in px. Default 20 and 20. */
  offsetX?: number;
  offsetY?: number;
  zIndex?: number;
  /** `auto` follows the visitor's system setting. Default `light`. */
  mode?: 'light' | 'dark' | 'auto';
}

export interface WebchatOptions {
  /** The Flex Flow (`FO…`) that handles this site's conversations. */
  flexFlowSid: string;
  /** Where the Parley server runs; defaults to the page's origin (the script's origin for the tag). */
  serverUrl?: string;
  /** Element the widget's host is appended to; defaults to `document.body`. */
  container?: HTMLElement;
  /** Open the chat window at once. */
  startOpen?: boolean;
  /** Create the conversation at page load instead of on first open (writes storage at once). */
  startEngagementOnInit?: boolean;
  /** The visitor's name, shown to agents (see also `identify`). */
  customerFriendlyName?: string;
  /** Extra context passed to the conversation as pre-engagement data (see also `setContext`). */
  context?: Record<string, string>;
  /** A form asked before the chat starts; overrides the Flex Flow's. */
  preEngagementConfig?: PreEngagementConfig;
  theme?: WebchatTheme;
  /** Overrides of any UI string, in the chosen locale. */
  strings?: Partial<Strings>;
  /** `en`, `de`, `fr` or `es`; defaults to the browser's language, English when unknown. */
  locale?: string;
  /** Overrides the Flex Flow's attachment settings. */
  fileAttachment?: FileAttachmentConfig;
  /** A short tone on new messages while the window is closed or the tab hidden. Default off. */
  sounds?: boolean;
  /** Where the session and outbox persist. `none` keeps them for the page's lifetime. Default `local`. */
  storage?: 'local' | 'session' | 'none';
  /** CSP nonce for the widget's `<style>` elements (the script tag's own nonce by default). */
  nonce?: string;
}

/** A visitor the embedding site already knows. */
export interface WebchatIdentity {
  userId?: string;
  name?: string;
  email?: string;
  /** hex(HMAC-SHA256(secret, userId)) from your server, when the Flex Flow verifies identities. */
  userHash?: string;
  /** Or an HS256 JWT from your server (`sub` = userId, `exp` required). */
  jwt?: string;
}

export interface WebchatEvents {
  /** The widget is mounted and answers calls. */
  ready: () => void;
  open: () => void;
  close: () => void;
  /** Every message that reaches the visitor's conversation, including their own. */
  message: (message: MessageDTO) => void;
  /** Messages the visitor has not seen, whenever the count changes. */
  unread: (count: number) => void;
  /** A conversation was created (not on resuming one). */
  'engagement:start': (event: { channelSid: string }) => void;
  /** The conversation ended (by the visitor, an agent or the janitor). */
  'engagement:end': (channel: ChannelDTO) => void;
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
  /** Switches the UI language (`de`, `fr`, `es`, `en`). */
  setLocale(locale: string): Promise<void>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends WebchatEventName>(event: E, listener: WebchatEvents[E]): () => void;
  off<E extends WebchatEventName>(event: E, listener: WebchatEvents[E]): void;
  /** Logs the visitor out: disconnects, forgets the stored session and removes the widget. */
  shutdown(): void;
  /** Unmounts (a single-page app's view going away) keeping the session for the next mount. */
  destroy(): void;
  /** The widget's host element (its open shadow root holds the UI). */
  readonly element: HTMLElement;
}

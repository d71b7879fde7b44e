/**
 * One entry of the conversation: a bubble for the visitor, an agent or the bot (each styled
 * apart), or a centred notice for system messages such as "<agent> joined the chat".
 * Bodies are rendered as text nodes, never as HTML: markdown-lite and attachments come from
 * lazily loaded chunks, fetched only when a message needs them.
 */
import type { MessageDTO } from '../../server/protocol';
import type { PendingMessage } from '../state/chat-state';
import { useApp } from './app-context';
import { loadMarkdown, loadMedia, loadTrouble, useLazy } from './lazy';
import type { MediaInfo } from './media';
import { css } from './sheet';
import { color } from './theme';

export const item = css`
  display: flex;
  flex-direction: column;
  max-width: 80%;
  align-self: flex-start;
  &[data-role='customer'] {
    align-self: flex-end;
    align-items: flex-end;
  }
  &[data-role='system'] {
    align-self: center;
    max-width: 100%;
    text-align: center;
  }
`;
export const bubble = css`
  padding: 8px 12px;
  border-radius: 14px;
  white-space: pre-wrap;
  overflow-wrap: anywhere;
  line-height: 1.4;
  background: ${color.agentBubble};
  [data-role='customer'] > & {
    background: ${color.primary};
    color: ${color.onPrimary};
    border-bottom-right-radius: 4px;
  }
  [data-role='agent'] > & {
    border-bottom-left-radius: 4px;
  }
  [data-role='bot'] > & {
    background: ${color.botBubble};
    border: 1px solid ${color.border};
    border-bottom-left-radius: 4px;
  }
  [data-role='system'] > & {
    background: none;
    padding: 2px 8px;
    color: ${color.muted};
    font-size: 13px;
  }
  [data-pending] > & {
    opacity: 0.7;
  }
  a {
    color: inherit;
  }
  code {
    font-family: ui-monospace, monospace;
    font-size: 0.9em;
  }
`;
const meta = css`
  margin: 2px 4px 0;
  font-size: 11px;
  color: ${color.muted};
  &[data-failed] {
    color: ${color.danger};
  }
`;

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const time = (iso: string) => <time dateTime={iso}>{timeFormat.format(new Date(iso))}</time>;

/** Characters that may start markdown-lite or a link: only then is the formatter fetched. */
const MARKUP = /[*_`]|https?:\/\/|mailto:/;

function Body({ message }: { message: MessageDTO }) {
  const media = message.attributes.media as MediaInfo | undefined;
  const formatted = MARKUP.test(message.body);
  const markdown = useLazy(loadMarkdown, formatted && !media);
  const attachments = useLazy(loadMedia, !!media);
  if (media) return attachments ? <attachments.MediaView media={media} /> : message.body;
  return <>{markdown && formatted ? markdown.renderMarkdown(message.body) : message.body}</>;
}

export function MessageBubble({
  message,
  mine,
  seen,
  endedByVisitor,
}: {
  message: MessageDTO;
  mine: boolean;
  seen?: boolean;
  /** The visitor ended the chat: its end notice says so in their words. */
  endedByVisitor?: boolean;
}) {
  const { strings } = useApp();
  const role = mine ? 'customer' : message.authorRole;
  const showName = role === 'agent' || role === 'bot';
  const ownEnd = endedByVisitor && role === 'system' && message.attributes.event === 'chat.ended';
  return (
    <li class={item} data-role={role} data-index={message.index}>
      <div class={bubble} dir="auto">
        {ownEnd ? strings.youEnded : <Body message={message} />}
      </div>
      <div class={meta}>
        {showName && `${message.authorName} · `}
        {time(message.dateCreated)}
        {seen && <span data-seen="">{` · ${strings.seen}`}</span>}
      </div>
    </li>
  );
}

export function PendingBubble({ message }: { message: PendingMessage }) {
  const { strings } = useApp();
  const trouble = useLazy(loadTrouble, !!message.failed);
  return (
    <li class={item} data-role="customer" data-pending={message.failed ? 'failed' : 'sending'}>
      <div class={bubble} dir="auto">
        {message.body}
      </div>
      {!message.failed ? (
        <div class={meta}>{strings.sending}</div>
      ) : (
        trouble && <trouble.FailedActions message={{ ...message, failed: message.failed }} />
      )}
    </li>
  );
}

/**
 * What the widget shows only when something goes wrong with a message (a lazy chunk): the
 * length note once a text nears the limit, and a refused message's reason with Retry and
 * Remove. Reasons are the visitor's words for the server's error code, never its text.
 */
import { format, type Strings } from '../i18n';
import { MAX_MESSAGE_LENGTH, type PendingMessage } from '../state/chat-state';
import { useApp } from './app-context';
import { css } from './sheet';
import { color } from './theme';

const note = css`
  margin: 0;
  padding: 6px 12px 0;
  font-size: 12px;
  color: ${color.muted};
  &[data-over] {
    color: ${color.danger};
  }
`;
const row = css`
  display: flex;
  gap: 8px;
  margin: 2px 4px 0;
  font-size: 11px;
  color: ${color.danger};
  button {
    font: inherit;
    padding: 0;
    border: 0;
    background: none;
    color: ${color.primary};
    text-decoration: underline;
    cursor: pointer;
  }
`;

/** The visitor's words for why a message was refused. */
export function failureText(strings: Strings, code: string): string {
  if (code === 'rate_limited') return strings.errorRateLimited;
  if (code === 'conflict' || code === 'channel_inactive') return strings.errorEnded;
  if (code === 'invalid_request' || code === 'payload_too_large') return strings.errorTooLong;
  return strings.errorGeneric;
}

export function LimitNote({ id, length }: { id: string; length: number }) {
  const { strings } = useApp();
  const over = length > MAX_MESSAGE_LENGTH;
  return (
    <p id={id} class={note} data-over={over ? '' : undefined} role={over ? 'alert' : undefined}>
      {over
        ? format(strings.tooLong, String(length), String(MAX_MESSAGE_LENGTH))
        : format(strings.charactersLeft, String(MAX_MESSAGE_LENGTH - length))}
    </p>
  );
}

export function FailedActions({ message }: { message: PendingMessage & { failed: string } }) {
  const { strings, actions } = useApp();
  return (
    <div class={row}>
      <span>{format(strings.notDelivered, failureText(strings, message.failed))}</span>
      <button type="button" onClick={() => actions.resend(message.clientId)}>
        {strings.retrySend}
      </button>
      <button type="button" onClick={() => actions.discard(message.clientId)}>
        {strings.removeMessage}
      </button>
    </div>
  );
}

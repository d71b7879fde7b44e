/**
 * Where the visitor writes: Enter sends, Shift+Enter starts a new line, typing is reported
 * (the client throttles it). Disabled until a conversation exists, so nothing typed is lost.
 */
import { useRef } from 'preact/hooks';
import { useApp, useChatState } from './app-context';
import { SendIcon } from './icons';
import { css } from './sheet';
import { color } from './theme';

const form = css`
  display: flex;
  align-items: flex-end;
  gap: 8px;
  padding: 10px 12px;
  border-top: 1px solid ${color.border};
`;
const textarea = css`
  flex: 1;
  resize: none;
  min-height: 40px;
  max-height: 120px;
  box-sizing: border-box;
  padding: 9px 12px;
  border: 1px solid ${color.border};
  border-radius: 10px;
  font: inherit;
  color: inherit;
  background: ${color.surface};
  &:focus {
    outline: 2px solid ${color.primary};
    outline-offset: -1px;
  }
`;
const sendButton = css`
  flex: none;
  width: 40px;
  height: 40px;
  border: 0;
  border-radius: 10px;
  background: ${color.primary};
  color: ${color.onPrimary};
  display: grid;
  place-items: center;
  cursor: pointer;
  &:disabled {
    opacity: 0.5;
    cursor: default;
  }
`;

export function Composer() {
  const { phase } = useChatState();
  const { strings, actions } = useApp();
  const input = useRef<HTMLTextAreaElement>(null);
  const disabled = phase !== 'ready';

  const submit = (event?: Event) => {
    event?.preventDefault();
    const element = input.current;
    if (!element?.value.trim()) return;
    actions.send(element.value);
    element.value = '';
    element.focus();
  };

  return (
    <form class={form} onSubmit={submit}>
      <textarea
        ref={input}
        class={textarea}
        rows={1}
        aria-label={strings.message}
        placeholder={strings.placeholder}
        disabled={disabled}
        // biome-ignore lint/a11y/noAutofocus: the window was just opened to write in it.
        autoFocus
        onInput={actions.typing}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) submit(event);
        }}
      />
      <button type="submit" class={sendButton} aria-label={strings.send} disabled={disabled}>
        <SendIcon />
      </button>
    </form>
  );
}

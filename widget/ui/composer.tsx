/**
 * Where the visitor writes: Enter sends, Shift+Enter starts a new line, typing is reported
 * (the client throttles it), and "Attach file" picks a file when the Flex Flow accepts them.
 * Disabled until a conversation exists, so nothing typed is lost. The server's length limit is
 * kept here: a counter appears as the text nears it, and a text over it is not sent but said so.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { MAX_MESSAGE_LENGTH } from '../state/chat-state';
import { useApp, useChatState } from './app-context';
import { activeIn, attach } from './attach';
import { AttachIcon, SendIcon } from './icons';
import { loadTrouble, useLazy } from './lazy';
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
  border: 1px solid ${color.muted};
  border-radius: 10px;
  font: inherit;
  color: inherit;
  background: ${color.surface};
  &:focus {
    outline: 2px solid ${color.primary};
    outline-offset: -1px;
  }
`;
/** The counter shows from here on, so the limit never comes as a surprise. */
const COUNTER_FROM = MAX_MESSAGE_LENGTH - 500;

const button = css`
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
  &[data-secondary] {
    background: transparent;
    color: ${color.muted};
  }
  &:focus-visible {
    outline: 2px solid ${color.primary};
    outline-offset: 2px;
  }
`;

export function Composer() {
  const { phase, settings } = useChatState();
  const services = useApp();
  const { strings, actions } = services;
  const input = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const disabled = phase !== 'ready';
  const files = settings?.fileAttachment;
  const [length, setLength] = useState(0);
  const over = length > MAX_MESSAGE_LENGTH;
  const limitNote = useLazy(loadTrouble, length >= COUNTER_FROM);

  useEffect(() => {
    // Usable now: take the focus unless the visitor already put it somewhere in the window.
    const element = input.current;
    const active = element && activeIn(element);
    if (element && !disabled && (!active || active.getAttribute('role') === 'dialog')) element.focus();
  }, [disabled]);

  const submit = (event?: Event) => {
    event?.preventDefault();
    const element = input.current;
    if (!element?.value.trim() || element.value.trim().length > MAX_MESSAGE_LENGTH) return;
    actions.send(element.value);
    element.value = '';
    setLength(0);
    element.focus();
  };

  return (
    <>
      {limitNote && <limitNote.LimitNote id="parley-limit" length={length} />}
      <form class={form} onSubmit={submit}>
        {files?.enabled && (
          <>
            <button
              type="button"
              class={button}
              data-secondary=""
              aria-label={strings.attachFile}
              disabled={disabled}
              onClick={() => picker.current?.click()}
            >
              <AttachIcon />
            </button>
            <input
              ref={picker}
              type="file"
              hidden
              accept={files.acceptedExtensions?.map((e) => `.${e}`).join(',')}
              onChange={(event) => {
                const target = event.currentTarget;
                attach([...(target.files ?? [])], services);
                target.value = '';
              }}
            />
          </>
        )}
        <textarea
          ref={input}
          class={textarea}
          rows={1}
          aria-label={strings.message}
          placeholder={strings.placeholder}
          disabled={disabled}
          dir="auto"
          aria-invalid={over || undefined}
          aria-describedby={length >= COUNTER_FROM ? 'parley-limit' : undefined}
          onInput={(event) => {
            setLength(event.currentTarget.value.trim().length);
            actions.typing();
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) submit(event);
          }}
        />
        <button type="submit" class={button} aria-label={strings.send} disabled={disabled || over}>
          <SendIcon />
        </button>
      </form>
    </>
  );
}

/**
 * Where the visitor writes: Enter sends, Shift+Enter starts a new line, typing is reported
 * (the client throttles it), and "Attach file" picks a file when the Flex Flow accepts them.
 * Disabled until a conversation exists, so nothing typed is lost.
 */
import { useEffect, useRef } from 'preact/hooks';
import { useApp, useChatState } from './app-context';
import { activeIn, attach } from './attach';
import { AttachIcon, SendIcon } from './icons';
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

  useEffect(() => {
    // Usable now: take the focus unless the visitor already put it somewhere in the window.
    const element = input.current;
    const active = element && activeIn(element);
    if (element && !disabled && (!active || active.getAttribute('role') === 'dialog')) element.focus();
  }, [disabled]);

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
        onInput={actions.typing}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) submit(event);
        }}
      />
      <button type="submit" class={button} aria-label={strings.send} disabled={disabled}>
        <SendIcon />
      </button>
    </form>
  );
}

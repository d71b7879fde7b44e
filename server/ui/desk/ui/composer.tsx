/**
 * The message box: Enter sends, Shift+Enter starts a new line, as in every chat tool. Files
 * are attached with "Attach file" (or dropped on the box), emoji picked from a small grid.
 */
import { useRef, useState } from 'preact/hooks';
import { EmojiPicker } from './emoji-picker.tsx';

interface ComposerProps {
  disabled: boolean;
  onSend(body: string): void;
  onTyping(): void;
  /** Files picked or dropped: uploaded and sent one message each. */
  onAttach(files: File[]): void;
}

export function Composer({ disabled, onSend, onTyping, onAttach }: ComposerProps) {
  const [body, setBody] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);

  function send() {
    const text = body.trim();
    if (!text || disabled) return;
    onSend(text);
    setBody('');
  }

  /** Puts text at the caret (replacing any selection) and keeps the focus in the box. */
  function insert(text: string) {
    const element = box.current;
    const from = element?.selectionStart ?? body.length;
    const to = element?.selectionEnd ?? body.length;
    const next = body.slice(0, from) + text + body.slice(to);
    setBody(next);
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(from + text.length, from + text.length);
    });
  }

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
      onDragOver={(e) => {
        if (!disabled) e.preventDefault();
      }}
      onDrop={(e) => {
        const files = [...(e.dataTransfer?.files ?? [])];
        if (disabled || files.length === 0) return;
        e.preventDefault();
        onAttach(files);
      }}
    >
      <label class="visually-hidden" for="composer-message">
        Message
      </label>
      <textarea
        id="composer-message"
        ref={box}
        rows={2}
        placeholder={disabled ? 'This chat has ended' : 'Type a message'}
        disabled={disabled}
        value={body}
        onInput={(e) => {
          setBody(e.currentTarget.value);
          onTyping();
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
        }}
      />
      <div class="composer__tools">
        <EmojiPicker disabled={disabled} onPick={insert} />
        <button
          type="button"
          class="button button--icon"
          aria-label="Attach file"
          title="Attach file"
          disabled={disabled}
          onClick={() => picker.current?.click()}
        >
          📎
        </button>
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          tabIndex={-1}
          onChange={(e) => {
            const files = [...(e.currentTarget.files ?? [])];
            e.currentTarget.value = '';
            if (files.length) onAttach(files);
          }}
        />
        <button type="submit" class="button button--primary" disabled={disabled || !body.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}

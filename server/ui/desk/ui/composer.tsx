/** The message box: Enter sends, Shift+Enter starts a new line, as in every chat tool. */
import { useState } from 'preact/hooks';

interface ComposerProps {
  disabled: boolean;
  onSend(body: string): void;
  onTyping(): void;
}

export function Composer({ disabled, onSend, onTyping }: ComposerProps) {
  const [body, setBody] = useState('');

  function send() {
    const text = body.trim();
    if (!text || disabled) return;
    onSend(text);
    setBody('');
  }

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <label class="visually-hidden" for="composer-message">
        Message
      </label>
      <textarea
        id="composer-message"
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
      <button type="submit" class="button button--primary" disabled={disabled || !body.trim()}>
        Send
      </button>
    </form>
  );
}

/**
 * The message box: Enter sends, Shift+Enter starts a new line, as in every chat tool. Files
 * are attached with "Attach file" (or dropped on the box), emoji picked from a small grid,
 * canned responses inserted by typing `/shortcut` or from the "Canned responses" list.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CannedResponse } from '../client/canned-responses.ts';
import {
  CannedResponsesMenu,
  matchCannedResponses,
  ShortcutSuggestions,
  shortcutQuery,
} from './canned-responses.tsx';
import { EmojiButton, EmojiGrid } from './emoji-picker.tsx';
import { ClipIcon } from './icons.tsx';

/** At most this many suggestions under a typed `/shortcut`. */
const MAX_SUGGESTIONS = 8;

interface ComposerProps {
  disabled: boolean;
  onSend(body: string): void;
  onTyping(): void;
  /** Files picked or dropped: uploaded and sent one message each. */
  onAttach(files: File[]): void;
  loadCannedResponses(): Promise<CannedResponse[]>;
  /** A canned response's text with its placeholders filled in for this chat. */
  fillPlaceholders(body: string): string;
  /** More buttons for the tools row, before Send; they stay usable when the box is disabled. */
  tools?: ComponentChildren;
}

export function Composer({
  disabled,
  onSend,
  onTyping,
  onAttach,
  loadCannedResponses,
  fillPlaceholders,
  tools,
}: ComposerProps) {
  const [body, setBody] = useState('');
  const box = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const emojiButton = useRef<HTMLButtonElement>(null);
  const [emojiOpen, setEmojiOpen] = useState(false);
  const [canned, setCanned] = useState<CannedResponse[] | null>(null);
  const [active, setActive] = useState(0);
  const query = shortcutQuery(body);
  const suggestions =
    query !== null && canned ? matchCannedResponses(canned, query).slice(0, MAX_SUGGESTIONS) : [];

  // The first `/` loads the agent's canned responses (once per chat opened).
  useEffect(() => {
    if (query === null || canned) return;
    loadCannedResponses()
      .then(setCanned)
      .catch(() => setCanned([]));
  }, [query !== null]);
  useEffect(() => setActive(0), [query]);

  /** Replaces the typed `/shortcut` (or the whole box) with the response, ready to review. */
  function pick(item: CannedResponse) {
    const text = fillPlaceholders(item.body);
    setBody(text);
    requestAnimationFrame(() => {
      box.current?.focus();
      box.current?.setSelectionRange(text.length, text.length);
    });
  }

  function send() {
    const text = body.trim();
    if (!text || disabled) return;
    onSend(text);
    setBody('');
  }

  /** Folds the emoji grid away and gives the focus back to the button that opened it. */
  function closeEmoji() {
    setEmojiOpen(false);
    emojiButton.current?.focus();
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
      {emojiOpen && !disabled && (
        <EmojiGrid
          onClose={closeEmoji}
          onPick={(emoji) => {
            setEmojiOpen(false);
            insert(emoji);
          }}
        />
      )}
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
        aria-controls={suggestions.length ? 'canned-suggestions' : undefined}
        aria-activedescendant={suggestions[active] ? `canned-${suggestions[active].sid}` : undefined}
        onKeyDown={(e) => {
          if (suggestions.length && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
            e.preventDefault();
            const step = e.key === 'ArrowDown' ? 1 : -1;
            setActive((active + step + suggestions.length) % suggestions.length);
            return;
          }
          const chosen = suggestions[active] ?? suggestions[0];
          if (chosen && (e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey) {
            e.preventDefault();
            pick(chosen);
            return;
          }
          if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            send();
          }
        }}
      />
      <ShortcutSuggestions items={suggestions} active={active} onPick={pick} />
      <div class="composer__tools">
        <CannedResponsesMenu
          disabled={disabled}
          load={loadCannedResponses}
          onPick={(item) => insert(fillPlaceholders(item.body))}
        />
        <EmojiButton
          open={emojiOpen && !disabled}
          disabled={disabled}
          buttonRef={emojiButton}
          onToggle={() => setEmojiOpen(!emojiOpen)}
          onClose={closeEmoji}
        />
        <button
          type="button"
          class="button button--icon"
          aria-label="Attach file"
          title="Attach file"
          disabled={disabled}
          onClick={() => picker.current?.click()}
        >
          <ClipIcon />
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
        {tools}
        <button type="submit" class="button button--primary" disabled={disabled || !body.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}

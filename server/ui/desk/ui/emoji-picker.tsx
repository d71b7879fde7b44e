/**
 * A small emoji picker: the faces and signs agents use in service chats, as buttons named
 * for what they show, so a screen reader user can pick one as easily as anyone.
 */
import { useState } from 'preact/hooks';
import { SmileIcon } from './icons.tsx';

const EMOJI: [string, string][] = [
  ['😀', 'grinning face'],
  ['🙂', 'slightly smiling face'],
  ['😉', 'winking face'],
  ['😊', 'smiling face with smiling eyes'],
  ['😅', 'grinning face with sweat'],
  ['🤔', 'thinking face'],
  ['😮', 'face with open mouth'],
  ['😢', 'crying face'],
  ['🙏', 'folded hands'],
  ['👍', 'thumbs up'],
  ['👋', 'waving hand'],
  ['👏', 'clapping hands'],
  ['🎉', 'party popper'],
  ['❤️', 'red heart'],
  ['✅', 'check mark'],
  ['⭐', 'star'],
  ['📦', 'package'],
  ['🚚', 'delivery truck'],
  ['📧', 'e-mail'],
  ['⏳', 'hourglass'],
];

export function EmojiPicker({ disabled, onPick }: { disabled: boolean; onPick(emoji: string): void }) {
  const [open, setOpen] = useState(false);
  return (
    <div class="emoji">
      <button
        type="button"
        class="button button--icon"
        aria-label="Emoji"
        aria-expanded={open}
        disabled={disabled}
        onClick={() => setOpen(!open)}
      >
        <SmileIcon />
      </button>
      {open && (
        <fieldset
          class="emoji__grid"
          aria-label="Emoji"
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false);
          }}
        >
          {EMOJI.map(([emoji, name]) => (
            <button
              key={emoji}
              type="button"
              class="emoji__item"
              aria-label={name}
              title={name}
              onClick={() => {
                onPick(emoji);
                setOpen(false);
              }}
            >
              {emoji}
            </button>
          ))}
        </fieldset>
      )}
    </div>
  );
}

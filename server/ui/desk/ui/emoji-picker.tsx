/**
 * A small emoji picker: the faces and signs agents use in service chats, as buttons named
 * for what they show, so a screen reader user can pick one as easily as anyone. The composer
 * holds whether it is open: the button sits among its tools, the grid above the message box.
 */
import type { Ref } from 'preact';
import { SmileIcon } from './icons.tsx';

const EMOJI_GRID_ID = 'composer-emoji';

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

interface EmojiButtonProps {
  open: boolean;
  disabled: boolean;
  onToggle(): void;
  /** Escape while the grid is open (the focus still on the button). */
  onClose(): void;
  buttonRef: Ref<HTMLButtonElement>;
}

/** Shows and hides the grid; it names the grid it controls while that is open. */
export function EmojiButton({ open, disabled, onToggle, onClose, buttonRef }: EmojiButtonProps) {
  return (
    <button
      ref={buttonRef}
      type="button"
      class="button button--icon"
      aria-label="Emoji"
      aria-expanded={open}
      aria-controls={open ? EMOJI_GRID_ID : undefined}
      disabled={disabled}
      onClick={onToggle}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <SmileIcon />
    </button>
  );
}

/**
 * The grid, laid out in the composer above the message box rather than floating over the log,
 * so the newest message stays in view while the agent picks. Escape closes it.
 */
export function EmojiGrid({ onPick, onClose }: { onPick(emoji: string): void; onClose(): void }) {
  return (
    <fieldset
      id={EMOJI_GRID_ID}
      class="emoji__grid"
      aria-label="Emoji"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          onClose();
        }
      }}
    >
      {EMOJI.map(([emoji, name]) => (
        <button
          key={emoji}
          type="button"
          class="emoji__item"
          aria-label={name}
          title={name}
          onClick={() => onPick(emoji)}
        >
          {emoji}
        </button>
      ))}
    </fieldset>
  );
}

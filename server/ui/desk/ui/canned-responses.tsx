/**
 * Canned responses in the composer: the suggestions shown while the agent types `/shortcut`
 * (arrow keys choose, Enter or Tab inserts), and the "Canned responses" list to browse and
 * pick from. Both insert the reply with its placeholders filled in, for the agent to review
 * before sending.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { type CannedResponse, matchCannedResponses } from '../client/canned-responses.ts';

/** The `/query` being typed, when the whole box is one (a reply starts with its shortcut). */
export function shortcutQuery(body: string): string | null {
  return /^\/([a-z0-9_-]*)$/i.exec(body)?.[1] ?? null;
}

interface SuggestionsProps {
  items: CannedResponse[];
  active: number;
  onPick(item: CannedResponse): void;
}

/** The list under a typed `/shortcut`; the textbox keeps the focus and points at it. */
export function ShortcutSuggestions({ items, active, onPick }: SuggestionsProps) {
  if (items.length === 0) return null;
  return (
    <div class="canned__suggestions" id="canned-suggestions" role="listbox" aria-label="Canned responses">
      {items.map((item, i) => (
        <div
          key={item.sid}
          tabIndex={-1}
          id={`canned-${item.sid}`}
          role="option"
          aria-selected={i === active}
          class="canned__option"
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(item);
          }}
        >
          <span class="canned__shortcut">/{item.shortcut}</span>{' '}
          <span class="canned__title">{item.title}</span>
        </div>
      ))}
    </div>
  );
}

export { matchCannedResponses };

interface MenuProps {
  disabled: boolean;
  /** Loads the list afresh each time it opens, so a reply added elsewhere shows up. */
  load(): Promise<CannedResponse[]>;
  onPick(item: CannedResponse): void;
}

/** The "Canned responses" button and the searchable list it opens. */
export function CannedResponsesMenu({ disabled, load, onPick }: MenuProps) {
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<CannedResponse[] | null>(null);
  const [query, setQuery] = useState('');
  const search = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!open) return;
    setItems(null);
    load()
      .then(setItems)
      .catch(() => setItems([]));
    search.current?.focus();
  }, [open]);

  const shown = items ? matchCannedResponses(items, query) : [];
  return (
    <div class="canned">
      <button
        type="button"
        class="button button--icon"
        aria-label="Canned responses"
        title="Canned responses"
        aria-expanded={open}
        disabled={disabled}
        onClick={() => setOpen(!open)}
      >
        ⚡
      </button>
      {open && (
        <div
          class="canned__menu"
          role="dialog"
          aria-label="Canned responses"
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false);
          }}
        >
          <label class="visually-hidden" for="canned-search">
            Search canned responses
          </label>
          <input
            id="canned-search"
            ref={search}
            type="search"
            placeholder="Search canned responses"
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
          {items === null ? (
            <p class="canned__empty">Loading…</p>
          ) : shown.length === 0 ? (
            <p class="canned__empty">No canned responses{query ? ' match' : ' yet'}.</p>
          ) : (
            <ul class="canned__list">
              {shown.map((item) => (
                <li key={item.sid}>
                  <button
                    type="button"
                    class="canned__item"
                    onClick={() => {
                      onPick(item);
                      setOpen(false);
                    }}
                  >
                    <span class="canned__shortcut">/{item.shortcut}</span>
                    <span class="canned__title">{item.title}</span>
                    <span class="canned__preview">{item.body}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

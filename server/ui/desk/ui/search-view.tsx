/**
 * "Search conversations": a search over past and current conversations (the agent's own; a
 * supervisor's, all), best matches first (then newest) a page at a time, each with the
 * matched words marked in a snippet, and a result opened as a read-only transcript. Nothing here can write to a conversation.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ConversationSearchResult, TranscriptDTO } from '../../../protocol.ts';
import { loadTranscript, searchConversations } from '../client/search.ts';
import { channelTypeLabel } from '../format/labels.ts';
import { useDesk, useRunAction } from './desk-context.ts';
import { TranscriptView } from './transcript-view.tsx';

const formatDate = (iso: string) =>
  new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

export function SearchView() {
  const { client, token } = useDesk();
  const run = useRunAction();
  const input = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const [searched, setSearched] = useState<string | null>(null);
  const [results, setResults] = useState<ConversationSearchResult[]>([]);
  const [page, setPage] = useState(0);
  const [hasMore, setHasMore] = useState(false);
  const [busy, setBusy] = useState(false);
  const [transcript, setTranscript] = useState<TranscriptDTO | null>(null);

  useEffect(() => input.current?.focus(), []);

  function load(text: string, nextPage: number) {
    setBusy(true);
    run(async () => {
      const found = await searchConversations(token, text, nextPage);
      setResults((earlier) => (nextPage === 0 ? found.conversations : [...earlier, ...found.conversations]));
      setPage(nextPage);
      setHasMore(found.meta.hasMore);
      setSearched(text);
    }).finally(() => setBusy(false));
  }

  function open(result: ConversationSearchResult) {
    run(async () => setTranscript(await loadTranscript(token, result.channelSid)));
  }

  if (transcript) {
    return <TranscriptView transcript={transcript} onBack={() => setTranscript(null)} />;
  }

  return (
    <section class="search" aria-label="Search conversations">
      <header class="conversation__header">
        <h2>Search conversations</h2>
        <span class="conversation__spacer" />
        <button type="button" class="button" onClick={() => client.showChats()}>
          Back to chats
        </button>
      </header>
      <form
        class="search__form"
        onSubmit={(e) => {
          e.preventDefault();
          if (query.trim().length >= 2) load(query.trim(), 0);
        }}
      >
        <label class="visually-hidden" for="search-query">
          Customer name, address or message text
        </label>
        <input
          id="search-query"
          ref={input}
          type="search"
          value={query}
          minLength={2}
          maxLength={100}
          placeholder="Customer name, address or message text"
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <button type="submit" class="button button--primary" disabled={busy || query.trim().length < 2}>
          Search
        </button>
      </form>
      <div class="search__results" aria-live="polite">
        {searched !== null && results.length === 0 && !busy && (
          <p class="empty">No conversations match “{searched}”.</p>
        )}
        {results.length > 0 && (
          <ul class="search__list" aria-label="Search results">
            {results.map((result) => (
              <li key={result.channelSid}>
                <button type="button" class="search__result" onClick={() => open(result)}>
                  <span class="search__name">{result.customerName}</span>
                  <span class="search__meta">
                    {channelTypeLabel(result.channelType)} · {result.status === 'active' ? 'Active' : 'Ended'}{' '}
                    · {formatDate(result.dateUpdated)}
                  </span>
                  {result.matchedMessage && (
                    <span class="search__snippet">
                      {result.matchedMessage.authorName}: <Highlighted {...result.matchedMessage.snippet} />
                    </span>
                  )}
                </button>
              </li>
            ))}
          </ul>
        )}
        {hasMore && searched && (
          <button type="button" class="button" disabled={busy} onClick={() => load(searched, page + 1)}>
            More results
          </button>
        )}
      </div>
    </section>
  );
}

/**
 * A snippet with its matched words in <mark>: the stored text is only ever rendered as text
 * nodes, cut at the offsets the server located (out-of-range or overlapping ones are skipped).
 */
function Highlighted({ text, highlights }: { text: string; highlights: [number, number][] }) {
  const parts = [];
  let at = 0;
  for (const [from, to] of highlights) {
    if (from < at || to <= from || to > text.length) continue;
    if (from > at) parts.push(text.slice(at, from));
    parts.push(<mark key={from}>{text.slice(from, to)}</mark>);
    at = to;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

/**
 * Finds conversations by what an agent remembers of them: words of a message, the customer's
 * name or address. Full-text on both engines (SQLite FTS5, PostgreSQL tsvector): words match
 * whole and without regard to case or accents, the last word also as a prefix (when it has two
 * characters or more), every word must match. Results are ranked by relevance, then newest. Who may see which conversations is the
 * caller's: see core/conversation-search.ts.
 *
 * The query reaches the engines only as the words `searchTermsOf` cuts from it (letters and
 * digits, nothing else), so no user input can form FTS5 or tsquery syntax.
 */
import type { Channel, Contact, Message } from './records.ts';

export interface ConversationSearchQuery {
  /**
   * Folded words (see `searchTermsOf`), at least one; the last also matches as a prefix when
   * it has at least `MIN_PREFIX_CHARS` characters (a one-character last word matches whole).
   */
  terms: string[];
  /**
   * The query as typed. SQLite cuts its words from this with its own tokenizer, so they are
   * folded exactly as its index folds text (see sqlite/conversation-search.ts).
   */
  text?: string;
  /** Only channels one of whose tasks this worker held; every channel when absent. */
  workerSid?: string;
  limit: number;
  offset: number;
}

export interface ConversationSearchHit {
  channel: Channel;
  contact: Contact;
  /** The best matching message (not a system one), newest first among equals; null when only the name or address matched. */
  message: Message | null;
}

export interface ConversationSearchRepository {
  search(query: ConversationSearchQuery): Promise<ConversationSearchHit[]>;
}

/** A query is cut to at most this many words: more would only narrow it further. */
export const MAX_TERMS = 12;

/**
 * A last word shorter than this matches whole, not as a prefix: "a" as a prefix would match
 * nearly every message, and each would be read and ranked before the page is cut.
 */
export const MIN_PREFIX_CHARS = 2;

/** Whether the word at `i` of `terms` is matched as a prefix: the last one, if long enough. */
export const isPrefixTerm = (terms: string[], i: number) =>
  i === terms.length - 1 && [...(terms[i] ?? '')].length >= MIN_PREFIX_CHARS;

/**
 * Text as the indexes see it: accents removed (NFD, combining marks dropped), lower case.
 * The same folding as SQLite's `unicode61 remove_diacritics 2` and PostgreSQL's
 * `parley_search_text`, so "Café" and "cafe" are one word everywhere.
 */
export const foldForSearch = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();

/**
 * The words of a user's query: runs of letters and digits of the folded text. Quotes, `*`,
 * `-`, `:`, `&`, `!`, parentheses and the like are separators, and `OR` or `NEAR` are words.
 *
 * @example searchTermsOf('Café "refund"* NEAR(') // ['cafe', 'refund', 'near']
 */
export function searchTermsOf(text: string): string[] {
  return foldForSearch(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .slice(0, MAX_TERMS);
}

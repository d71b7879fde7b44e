/**
 * The part of a matched message a search result shows, with the matched words located by
 * offsets into the snippet's text (never markup), so the desk can mark them while rendering
 * the stored text as text.
 */
import { foldForSearch } from '../store/conversation-search.ts';

export interface SearchSnippet {
  /** Plain text; `…` marks where it was cut from a longer message. */
  text: string;
  /** `[start, end)` UTF-16 offsets into `text` of each word that matched, in order. */
  highlights: [number, number][];
}

/** A word as the indexes cut it: letters and digits, with any accents that follow them. */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;

/**
 * The words of `body` that the search `terms` matched (the last term also as a prefix), and a
 * window of at most `maxLength` characters around the first of them.
 *
 * @example snippetOf('Le café est froid', ['cafe']) // { text: 'Le café est froid', highlights: [[3, 7]] }
 */
export function snippetOf(body: string, terms: string[], maxLength = 180): SearchSnippet {
  const last = terms.at(-1);
  const matches: [number, number][] = [];
  for (const word of body.matchAll(WORD)) {
    const folded = foldForSearch(word[0]);
    if (terms.includes(folded) || (last !== undefined && folded.startsWith(last))) {
      matches.push([word.index, word.index + word[0].length]);
    }
  }
  if (body.length <= maxLength) return { text: body, highlights: matches };

  // Start a little before the first match, at a word boundary, and end at one.
  let start = Math.max(0, (matches[0]?.[0] ?? 0) - 40);
  if (start > 0) {
    const space = body.slice(start, start + 20).search(/\s/);
    if (space >= 0) start += space + 1;
  }
  let end = Math.min(body.length, start + maxLength);
  if (end < body.length) {
    const space = body.slice(start, end).search(/\s\S*$/);
    if (space > maxLength / 2) end = start + space;
  }
  const prefix = start > 0 ? '…' : '';
  const text = `${prefix}${body.slice(start, end)}${end < body.length ? '…' : ''}`;
  const shift = prefix.length - start;
  const highlights = matches
    .filter(([from, to]) => from >= start && to <= end)
    .map(([from, to]): [number, number] => [from + shift, to + shift]);
  return { text, highlights };
}

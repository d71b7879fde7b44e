import { describe, expect, it } from 'vitest';
import { snippetOf } from '../../server/core/search-snippet.ts';
import { searchTermsOf } from '../../server/store/conversation-search.ts';
import { tsQueryOf } from '../../server/store/postgres/conversation-search.ts';
import { ftsQueryOf } from '../../server/store/sqlite/conversation-search.ts';

const marked = ({ text, highlights }: ReturnType<typeof snippetOf>) =>
  highlights.map(([from, to]) => text.slice(from, to));

describe('searchTermsOf', () => {
  it('keeps only words: letters and digits, folded to lower case without accents', () => {
    expect(searchTermsOf('Café "Crème" BRÛLÉE')).toEqual(['cafe', 'creme', 'brulee']);
    expect(searchTermsOf("\"lamp* -broken OR NEAR(shade, 2) a:b & !c 'd'")).toEqual([
      'lamp',
      'broken',
      'or',
      'near',
      'shade',
      '2',
      'a',
      'b',
      'c',
      'd',
    ]);
    expect(searchTermsOf('kim.lee@example.org +1 (555) 777')).toEqual([
      'kim',
      'lee',
      'example',
      'org',
      '1',
      '555',
      '777',
    ]);
    expect(searchTermsOf('%% __ ** ""')).toEqual([]);
    expect(searchTermsOf('Москва 東京')).toEqual(['москва', '東京']);
  });

  it('keeps at most twelve words', () => {
    expect(searchTermsOf('a b c d e f g h i j k l m n')).toHaveLength(12);
  });
});

describe('the engines’ queries', () => {
  it('match the last word as a prefix only from two characters, and drop empty words', () => {
    expect(ftsQueryOf(['lamp', 'bro'])).toBe('"lamp" "bro"*');
    expect(ftsQueryOf(['lamp', 'b'])).toBe('"lamp" "b"');
    expect(ftsQueryOf(['lamp', '', 'b'])).toBe('"lamp" "b"');
    expect(ftsQueryOf(['lamp', ''])).toBe('"lamp"*');
    expect(ftsQueryOf([''])).toBe('');
    expect(tsQueryOf(['lamp', 'bro'])).toBe("'lamp' & 'bro':*");
    expect(tsQueryOf(['lamp', 'b'])).toBe("'lamp' & 'b'");
    expect(tsQueryOf(['', 'lamp'])).toBe("'lamp':*");
    // A one-character word of two UTF-16 units is still one character.
    expect(ftsQueryOf(['𞤀'])).toBe('"𞤀"');
  });
});

describe('snippetOf', () => {
  it('locates each matched word, accents and case aside, the last term also as a prefix', () => {
    const snippet = snippetOf('Le CAFÉ était froid, le café noir aussi', ['cafe', 'noi']);
    expect(snippet.text).toBe('Le CAFÉ était froid, le café noir aussi');
    expect(marked(snippet)).toEqual(['CAFÉ', 'café', 'noir']);
  });

  it('matches a word written with combining accents, offsets covering them', () => {
    const body = 'un cafe\u0301 chaud';
    const snippet = snippetOf(body, ['cafe']);
    expect(marked(snippet)).toEqual(['cafe\u0301']);
  });

  it('only the last term matches as a prefix', () => {
    expect(marked(snippetOf('order ordered orders', ['order', 'x']))).toEqual(['order']);
    expect(marked(snippetOf('order ordered orders', ['order']))).toEqual(['order', 'ordered', 'orders']);
  });

  it('keeps markup in the text as text, for the desk to render as text', () => {
    const snippet = snippetOf('<img src=x onerror=alert(1)> lamp', ['lamp']);
    expect(snippet.text).toBe('<img src=x onerror=alert(1)> lamp');
    expect(marked(snippet)).toEqual(['lamp']);
  });

  it('cuts a long message to a window around the first match, at word boundaries', () => {
    const before = 'alpha beta gamma delta '.repeat(10);
    const after = ' epsilon zeta eta theta'.repeat(10);
    const body = `${before}the parcel is here${after}`;
    const snippet = snippetOf(body, ['parcel']);
    // Whole words: what is shown follows a space and is followed by one.
    expect(body).toContain(` ${snippet.text.slice(1, -1)} `);
    expect(snippet.text.startsWith('…')).toBe(true);
    expect(snippet.text.endsWith('…')).toBe(true);
    expect(snippet.text.length).toBeLessThanOrEqual(182);
    expect(marked(snippet)).toEqual(['parcel']);
    expect(snippet.text.indexOf('parcel')).toBeGreaterThan(20);
  });

  it('shows the start of a long message whose words matched nothing', () => {
    const snippet = snippetOf('x '.repeat(200), ['nothing']);
    expect(snippet.highlights).toEqual([]);
    expect(snippet.text.startsWith('x x')).toBe(true);
    expect(snippet.text.endsWith('…')).toBe(true);
  });
});

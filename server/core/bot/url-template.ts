/**
 * URL templates of make-http-request: each `{{ value }}` is encoded for where it stands in
 * the URL, so a value can never change the URL's structure. `../admin/users?delete=all#` sent
 * by a visitor stays one path segment (or one query value) of the URL the flow's author wrote.
 *
 * - in the path: one segment, `/`, `?`, `#` and `%` encoded; a whole segment `.` or `..` fails;
 * - in the query or the fragment: encoded as a component (`&`, `=`, `#` too);
 * - in the host: only a host name's letters, digits, `-` and `.` are accepted;
 * - at the very start (`{{ widgets.api.parsed.next }}`): inserted as it is, a whole URL the
 *   author chose to call (the egress policy still applies to it).
 *
 * A value whose last filter is `url_encode` is taken as already encoded, as Studio flows write.
 */
import { render, TemplateError, type TemplateScope } from './templates.ts';

type Position = 'start' | 'host' | 'path' | 'query' | 'fragment';

const OUTPUT = /\{\{(-?)([\s\S]*?)(-?)\}\}|\{%[\s\S]*?%\}/g;
/** Separates one rendered value from the text around it; never in a template or a URL. */
const MARK = '\u0000';

function positionAfter(literal: string): Position {
  if (literal === '') return 'start';
  if (literal.includes('#')) return 'fragment';
  if (literal.includes('?')) return 'query';
  const scheme = literal.indexOf('://');
  if (scheme >= 0 && !literal.slice(scheme + 3).includes('/')) return 'host';
  return 'path';
}

function encodeAt(position: Position, value: string): string {
  switch (position) {
    case 'start':
      return value;
    case 'host':
      if (!/^[a-z0-9.-]*$/i.test(value))
        throw new TemplateError('url', 'a value in the URL host is not a host name');
      return value;
    case 'path':
      if (value === '.' || value === '..')
        throw new TemplateError('url', 'a value in the URL path is "." or ".."');
      return encodeURIComponent(value);
    case 'query':
    case 'fragment':
      return encodeURIComponent(value);
  }
}

/** Renders a URL template, each value encoded by its position (see the header). */
export function renderUrl(template: unknown, scope: TemplateScope): string {
  const text = template === undefined || template === null ? '' : String(template);
  if (!text.includes('{{')) return render(text, scope).trim();
  // Each output is wrapped in marks, rendered with the whole template (so tags still work),
  // then encoded for the position the literal text before it gives it.
  const positions: Position[] = [];
  let literal = '';
  let last = 0;
  const marked = text.replace(OUTPUT, (match, open, expression, close, offset: number) => {
    literal += text.slice(last, offset);
    last = offset + match.length;
    if (expression === undefined) return match;
    positions.push(/\|\s*url_encode\s*$/.test(expression) ? 'start' : positionAfter(literal.trimStart()));
    return `${MARK}{{${open}${expression}${close}}}${MARK}`;
  });
  const rendered = render(marked, scope).split(MARK);
  if (rendered.length !== positions.length * 2 + 1)
    throw new TemplateError(
      'url',
      'the URL values could not be placed: a value inside a {% %} block that repeats it, or a value holding a NUL character',
    );
  return rendered
    .map((part, i) => (i % 2 === 1 ? encodeAt(positions[(i - 1) / 2] as Position, part) : part))
    .join('')
    .trim();
}

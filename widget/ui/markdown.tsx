/**
 * Markdown-lite for message bodies (a lazily loaded chunk): `**bold**`, `*italic*` or
 * `_italic_`, `` `code` ``, `[text](url)` and bare links, line breaks kept by the bubble's
 * `white-space`. It builds Preact nodes, never HTML, and links only to http, https and
 * mailto URLs: anything else stays text.
 */
import type { ComponentChild } from 'preact';

const TOKEN =
  /(`[^`\n]+`)|(\*\*[^*\n]+\*\*)|(\*[^*\n]+\*|\b_[^_\n]+_\b)|\[([^\]\n]+)\]\(([^)\s]+)\)|((?:https?:\/\/|mailto:)[^\s<>()]+[^\s<>().,;:!?'"])/g;

/** The URL when it is one a visitor may follow, else null. */
export function safeUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

const link = (href: string, text: ComponentChild) => (
  <a href={href} target="_blank" rel="noopener noreferrer nofollow">
    {text}
  </a>
);

/** `renderMarkdown('**Hi** see https://x.io')` → [<strong>Hi</strong>, ' see ', <a …>] */
export function renderMarkdown(body: string): ComponentChild[] {
  const out: ComponentChild[] = [];
  let last = 0;
  for (const match of body.matchAll(TOKEN)) {
    const [whole, code, bold, italic, label, target, bare] = match;
    const start = match.index ?? 0;
    if (start > last) out.push(body.slice(last, start));
    last = start + whole.length;
    if (code) out.push(<code>{code.slice(1, -1)}</code>);
    else if (bold) out.push(<strong>{renderMarkdown(bold.slice(2, -2))}</strong>);
    else if (italic) out.push(<em>{renderMarkdown(italic.slice(1, -1))}</em>);
    else if (label && target) {
      const href = safeUrl(target);
      out.push(href ? link(href, label) : whole);
    } else if (bare) {
      const href = safeUrl(bare);
      out.push(href ? link(href, bare) : bare);
    }
  }
  if (last < body.length) out.push(body.slice(last));
  return out;
}

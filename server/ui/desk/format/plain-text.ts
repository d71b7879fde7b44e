/**
 * A message body as one line of plain text, for previews: the words the log shows, read from
 * the same markdown-lite renderer so the two never disagree, without the markers (`**`, `_`,
 * backticks, a link's URL) or the formatting.
 */
import type { ComponentChild, VNode } from 'preact';
import { renderMarkdown } from '../../../../widget/ui/markdown.tsx';

/** `plainText('**Thanks** for [waiting](https://x.io)\nbye')` → 'Thanks for waiting bye' */
export function plainText(body: string): string {
  return textOf(renderMarkdown(body)).replace(/\s+/g, ' ').trim();
}

function textOf(node: ComponentChild | ComponentChild[]): string {
  if (Array.isArray(node)) return node.map(textOf).join('');
  if (typeof node === 'string' || typeof node === 'number') return String(node);
  if (node && typeof node === 'object' && 'props' in node) {
    return textOf((node as VNode<{ children?: ComponentChild }>).props.children);
  }
  return '';
}

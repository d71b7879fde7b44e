/**
 * The canned responses the signed-in agent may use (the shared library and their own), read
 * from `/v1/CannedResponses` with the agent's session token, and their placeholders filled in.
 */
import type { CannedResponse } from '../../../store/canned-responses.ts';

export type { CannedResponse };

/**
 * Every response the agent may insert, one per shortcut (the agent's own wins over a shared
 * one of the same shortcut), ordered by shortcut. Throws an Error meant for the agent.
 */
export async function loadCannedResponses(token: string): Promise<CannedResponse[]> {
  const response = await fetch('/v1/CannedResponses', {
    headers: { authorization: `Bearer ${token}` },
  }).catch(() => null);
  if (!response?.ok) throw new Error('Canned responses could not be loaded. Try again in a moment.');
  const { cannedResponses } = (await response.json()) as { cannedResponses: CannedResponse[] };
  const byShortcut = new Map<string, CannedResponse>();
  for (const item of cannedResponses) {
    if (!byShortcut.has(item.shortcut) || item.workerSid) byShortcut.set(item.shortcut, item);
  }
  return [...byShortcut.values()];
}

export interface PlaceholderValues {
  customerName: string;
  agentName: string;
}

/**
 * Fills `{{customer.name}}` and `{{agent.name}}` by plain replacement (no template language:
 * nothing else in the text is interpreted).
 *
 * @example fillPlaceholders('Hi {{customer.name}}', { customerName: 'Ada', agentName: 'Alex' }) // 'Hi Ada'
 */
export function fillPlaceholders(body: string, values: PlaceholderValues): string {
  return body
    .replace(/\{\{\s*customer\.name\s*\}\}/g, () => values.customerName)
    .replace(/\{\{\s*agent\.name\s*\}\}/g, () => values.agentName);
}

/** The responses whose shortcut starts with what follows the `/` (or whose title contains it). */
export function matchCannedResponses(items: CannedResponse[], query: string): CannedResponse[] {
  const q = query.toLowerCase();
  const starts = items.filter((item) => item.shortcut.startsWith(q));
  const titled = items.filter((item) => !item.shortcut.startsWith(q) && item.title.toLowerCase().includes(q));
  return [...starts, ...titled];
}

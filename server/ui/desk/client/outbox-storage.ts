/**
 * Keeps the outbox in sessionStorage so messages written while disconnected survive a reload
 * and are still sent, once, with the clientId they were given when written.
 */
import type { PendingMessage } from '../state/desk-state.ts';

const OUTBOX_KEY = 'parley.agent.outbox';

export function loadOutbox(storage: Storage = sessionStorage): PendingMessage[] {
  try {
    const saved = JSON.parse(storage.getItem(OUTBOX_KEY) ?? '[]') as unknown;
    return Array.isArray(saved) ? (saved as PendingMessage[]) : [];
  } catch {
    return [];
  }
}

export function saveOutbox(outbox: PendingMessage[], storage: Storage = sessionStorage): void {
  if (outbox.length === 0) storage.removeItem(OUTBOX_KEY);
  else storage.setItem(OUTBOX_KEY, JSON.stringify(outbox));
}

/**
 * A unique id that works without a secure context (crypto.randomUUID needs one): the time first
 * (base 36, fixed width), then 128 random bits, so the ids grow with time as the server's index
 * of them prefers (see docs/api.md, Delivery).
 */
export function createClientId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const random = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `ag-${Date.now().toString(36).padStart(9, '0')}-${random}`;
}

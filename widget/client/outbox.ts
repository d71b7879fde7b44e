/**
 * Messages the visitor wrote that the server has not acknowledged, persisted in the chosen storage
 * (`parley:outbox:<flexFlowSid>`) so they survive a dropped connection or a reload. Each keeps
 * the clientId it was born with: every retry reuses it and the server answers a repeated
 * clientId with the original message, so a message is delivered exactly once.
 */
import type { PendingMessage } from '../state/chat-state';
import { type KeyValue, readJson, writeJson } from './storage';

export interface OutboxEntry extends PendingMessage {
  channelSid: string;
}

export interface Outbox {
  /** Entries of one channel, oldest first. */
  list(channelSid: string): OutboxEntry[];
  add(entry: OutboxEntry): void;
  remove(clientId: string): void;
  /** Moves every entry to another channel (the session was replaced, the words were not sent). */
  rebind(channelSid: string): void;
  clear(): void;
}

export function createOutbox(flexFlowSid: string, local: () => KeyValue): Outbox {
  const key = `parley:outbox:${flexFlowSid}`;
  // Memory is the source of truth; storage is its copy, so a failing storage loses nothing now.
  let entries: OutboxEntry[] = readJson<OutboxEntry[]>(local, key) ?? [];
  const commit = (next: OutboxEntry[]) => {
    entries = next;
    writeJson(local, key, next.length ? next : null);
  };
  return {
    list: (channelSid) => entries.filter((entry) => entry.channelSid === channelSid),
    add: (entry) => commit([...entries.filter((e) => e.clientId !== entry.clientId), entry]),
    remove: (clientId) => commit(entries.filter((entry) => entry.clientId !== clientId)),
    rebind: (channelSid) => commit(entries.map((entry) => ({ ...entry, channelSid }))),
    clear: () => commit([]),
  };
}

/**
 * A fresh clientId: the time first (base 36, fixed width, so later ids sort after earlier ones),
 * then random bits. Ids that grow with time keep the server's index of them compact (see
 * docs/api.md, Delivery). randomUUID is missing on insecure origins, so fall back to Math.random.
 */
export function createClientId(): string {
  const random = globalThis.crypto?.randomUUID?.() ?? Math.random().toString(36).slice(2);
  return `${Date.now().toString(36).padStart(9, '0')}-${random}`;
}

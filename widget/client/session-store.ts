/**
 * The visitor's session per Flex Flow, in localStorage under `parley:session:<flexFlowSid>`
 * (the script-tag loader reads the same key to decide whether to load the app at once).
 * Whether the window was open is remembered per tab, so a reload restores it.
 */
import type { WebChannelResponse } from '../../server/protocol';
import { type KeyValue, readJson, writeJson } from './storage';

export type StoredSession = Pick<
  WebChannelResponse,
  'token' | 'channelSid' | 'identity' | 'contactSid' | 'expiresAt'
>;

export interface SessionStore {
  load(): StoredSession | null;
  save(session: StoredSession): void;
  clear(): void;
  wasOpen(): boolean;
  rememberOpen(open: boolean): void;
}

export const sessionKey = (flexFlowSid: string): string => `parley:session:${flexFlowSid}`;

export function createSessionStore(
  flexFlowSid: string,
  local: () => KeyValue,
  perTab: () => KeyValue,
): SessionStore {
  const key = sessionKey(flexFlowSid);
  const openKey = `parley:open:${flexFlowSid}`;
  return {
    load() {
      const session = readJson<StoredSession>(local, key);
      return session?.token && session.channelSid ? session : null;
    },
    save: (session) => writeJson(local, key, session),
    clear: () => writeJson(local, key, null),
    wasOpen: () => readJson<boolean>(perTab, openKey) === true,
    rememberOpen: (open) => writeJson(perTab, openKey, open || null),
  };
}

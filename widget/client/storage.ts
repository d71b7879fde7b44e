/**
 * Safe access to Web Storage, in the place the site chose (`storage` option). Storage can be
 * missing or throw (privacy modes, sandboxed iframes, a full quota); the widget then works for
 * the page's lifetime instead of failing. `none` keeps everything in memory.
 */

export type StorageKind = 'local' | 'session' | 'none';

/** A Storage-like place: Web Storage, or a Map for `none`. */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function memoryStorage(): KeyValue {
  const map = new Map<string, string>();
  return {
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => void map.set(key, value),
    removeItem: (key) => void map.delete(key),
  };
}

/** The storage for a kind; `perTab` is sessionStorage unless the site asked for none. */
export function storageFor(kind: StorageKind = 'local'): { durable: () => KeyValue; perTab: () => KeyValue } {
  if (kind === 'none') {
    const memory = memoryStorage();
    return { durable: () => memory, perTab: () => memory };
  }
  return {
    durable: () => (kind === 'session' ? sessionStorage : localStorage),
    perTab: () => sessionStorage,
  };
}

export function readJson<T>(storage: () => KeyValue, key: string): T | null {
  try {
    const raw = storage().getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export function writeJson(storage: () => KeyValue, key: string, value: unknown): void {
  try {
    if (value === null) storage().removeItem(key);
    else storage().setItem(key, JSON.stringify(value));
  } catch {
    // Not persisted: the conversation still works until the page is closed.
  }
}

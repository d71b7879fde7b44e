/**
 * Safe access to Web Storage. Storage can be missing or throw (privacy modes, sandboxed
 * iframes, a full quota); the widget then works for the page's lifetime instead of failing.
 */

export function readJson<T>(storage: () => Storage, key: string): T | null {
  try {
    const raw = storage().getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export function writeJson(storage: () => Storage, key: string, value: unknown): void {
  try {
    if (value === null) storage().removeItem(key);
    else storage().setItem(key, JSON.stringify(value));
  } catch {
    // Not persisted: the conversation still works until the page is closed.
  }
}

export const local = (): Storage => localStorage;
export const perTab = (): Storage => sessionStorage;

/** A typed event emitter for the instance API's `on`/`off` (listener errors never break the widget). */

// biome-ignore lint/suspicious/noExplicitAny: listener signatures vary per event.
type Listener = (...args: any[]) => void;

export interface Emitter<E extends { [K in keyof E]: Listener }> {
  on<K extends keyof E>(event: K, listener: E[K]): () => void;
  off<K extends keyof E>(event: K, listener: E[K]): void;
  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void;
}

export function createEmitter<E extends { [K in keyof E]: Listener }>(): Emitter<E> {
  const listeners = new Map<keyof E, Set<Listener>>();
  const emitter: Emitter<E> = {
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)?.add(listener);
      return () => emitter.off(event, listener);
    },
    off: (event, listener) => void listeners.get(event)?.delete(listener),
    emit(event, ...args) {
      for (const listener of listeners.get(event) ?? []) {
        try {
          listener(...args);
        } catch (error) {
          console.error('[parley] a listener failed', error);
        }
      }
    },
  };
  return emitter;
}

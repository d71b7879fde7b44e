/**
 * Parts of the UI that the first screen does not show (the forms, attachments, markdown, the
 * rating, what comes when a chat ends) live in chunks of their own, fetched the first time a
 * component asks for them. A chunk that cannot be fetched (the network dropped) never leaves a
 * blank: the window says so, with Try again, which fetches every failed chunk again.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ChatState } from '../state/chat-state';
import type { Store } from '../state/store';
import { setChunkFailed } from '../state/updates';
import { useApp } from './app-context';

const loaded = new Map<() => Promise<unknown>, unknown>();
/** What to do again once the visitor asks to retry the chunks that failed. */
const retries = new Set<() => void>();

/**
 * Fetches a chunk; on failure reports it in the window and resolves undefined, keeping `again`
 * for the visitor's Try again.
 */
export function loadChunk<M>(
  load: () => Promise<M>,
  store: Store<ChatState>,
  again: () => void,
): Promise<M | undefined> {
  return load().then(
    (module) => {
      loaded.set(load, module);
      return module;
    },
    (error) => {
      console.error('[parley] a part of the chat could not load', error);
      retries.add(again);
      store.update(setChunkFailed(true));
      return undefined;
    },
  );
}

/** The visitor's Try again: every chunk that failed is fetched again. */
export function retryChunks(store: Store<ChatState>): void {
  store.update(setChunkFailed(false));
  const pending = [...retries];
  retries.clear();
  for (const again of pending) again();
}

/** The module `load` resolves to, or null until it has arrived (the component re-renders then). */
export function useLazy<M extends object>(load: () => Promise<M>, needed = true): M | null {
  const { store } = useApp();
  const [module, setModule] = useState<M | null>(() => (loaded.get(load) as M | undefined) ?? null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (module || !needed) return;
    let live = true;
    void loadChunk(load, store, () => live && setAttempt((n) => n + 1)).then((m) => {
      if (live && m) setModule(() => m);
    });
    return () => {
      live = false;
    };
  }, [needed, attempt]);
  return module;
}

/**
 * Fetches a chunk in the background once the first screen is drawn, so it is there before the
 * visitor needs it; a failure here is silent (the real need reports and retries it).
 */
export function prefetch(load: () => Promise<unknown>): void {
  const idle = globalThis.requestIdleCallback ?? ((run: () => void) => setTimeout(run, 200));
  idle(() => {
    if (!loaded.has(load))
      load().then(
        (module) => loaded.set(load, module),
        () => undefined,
      );
  });
}

export const loadForms = () => import('./forms');
export const loadMarkdown = () => import('./markdown');
export const loadMedia = () => import('./media');
export const loadTrouble = () => import('./trouble');
export const loadRating = () => import('./rating');
export const loadLater = () => import('./later');
export const loadTranscript = () => import('./transcript');

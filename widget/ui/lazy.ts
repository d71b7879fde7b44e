/**
 * Parts of the UI that most visitors never need (the forms, attachments, markdown, rating) live in
 * chunks of their own, fetched the first time a component asks for them.
 */
import { useEffect, useState } from 'preact/hooks';

const loaded = new Map<() => Promise<unknown>, unknown>();

/** The module `load` resolves to, or null until it has arrived (the component re-renders then). */
export function useLazy<M extends object>(load: () => Promise<M>, needed = true): M | null {
  const [module, setModule] = useState<M | null>(() => (loaded.get(load) as M | undefined) ?? null);
  useEffect(() => {
    if (module || !needed) return;
    let live = true;
    void load().then((m) => {
      loaded.set(load, m);
      if (live) setModule(() => m);
    });
    return () => {
      live = false;
    };
  }, [needed]);
  return module;
}

export const loadForms = () => import('./forms');
export const loadMarkdown = () => import('./markdown');
export const loadMedia = () => import('./media');
export const loadTrouble = () => import('./trouble');
export const loadRating = () => import('./rating');

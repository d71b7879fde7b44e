/**
 * Follows the host page's URL through single-page-app navigation (`history.pushState`,
 * `replaceState`, back/forward), so a conversation started on `/checkout` says so. The history
 * methods are wrapped, not replaced: the page's own calls run unchanged, and the wrappers are
 * removed again on unmount when nobody wrapped them after us.
 */
type HistoryMethod = 'pushState' | 'replaceState';

export function watchPageUrl(onChange: (url: string) => void): () => void {
  const notify = () => onChange(location.href);
  const originals = {} as Record<HistoryMethod, History[HistoryMethod]>;
  const wrappers = {} as Record<HistoryMethod, History[HistoryMethod]>;
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = history[name];
    originals[name] = original;
    wrappers[name] = function (this: History, ...args: Parameters<History[HistoryMethod]>) {
      original.apply(this, args);
      notify();
    };
    history[name] = wrappers[name];
  }
  addEventListener('popstate', notify);
  return () => {
    removeEventListener('popstate', notify);
    for (const name of ['pushState', 'replaceState'] as const) {
      if (history[name] === wrappers[name]) history[name] = originals[name];
    }
  };
}

/**
 * Draws the visitor's attention while the window is closed: the unread count in front of the
 * page title (`(2) Northwind Coffee`); the optional tone is ./chime.ts.
 */

/** Keeps `(n) ` in front of the page's title while n > 0; returns the updater. */
export function titleBadge(): (count: number) => void {
  let shown = 0;
  return (count) => {
    const base = shown ? document.title.replace(/^\(\d+\) /, '') : document.title;
    shown = count;
    document.title = count ? `(${count}) ${base}` : base;
  };
}

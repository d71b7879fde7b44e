/**
 * Styles for the shadow root. goober generates class names and their CSS into one shared,
 * detached stylesheet (so `css` can run beside each component at module load); every
 * widget's shadow root gets a live copy of it. Host-page CSS never reaches these rules, and
 * these rules never leak into the host page.
 */
import { css as gooberCss, type keyframes as gooberKeyframes } from 'goober';
import { baseCss } from './theme';

let holder: HTMLElement | undefined;

/** The element goober writes its `<style id="_goober">` into; none outside a browser. */
const target = (): HTMLElement | undefined => {
  if (typeof document !== 'object') return undefined;
  if (!holder) {
    holder = document.createElement('div');
    holder.innerHTML = '<style id="_goober"> </style>';
  }
  return holder;
};

const context = {
  get target() {
    return target();
  },
};

export const css: typeof gooberCss = gooberCss.bind(context);
export const keyframes: typeof gooberKeyframes = gooberCss.bind(
  Object.defineProperties({ k: 1 }, Object.getOwnPropertyDescriptors(context)),
);

/**
 * Gives a shadow root a `<style>` that follows the shared sheet; returns its disposer. Under a
 * strict CSP (`style-src 'nonce-…'`, no `unsafe-inline`) the style carries the page's nonce.
 */
export function adoptSheet(root: ShadowRoot, nonce?: string): () => void {
  const text = target()?.firstChild?.firstChild as Text;
  const style = document.createElement('style');
  if (nonce) style.nonce = nonce;
  const copy = () => {
    style.textContent = baseCss + text.data;
  };
  copy();
  root.prepend(style);
  // Styles are added as components first render; a microtask later, before paint, they are copied.
  const observer = new MutationObserver(copy);
  observer.observe(text, { characterData: true });
  return () => {
    observer.disconnect();
    style.remove();
  };
}

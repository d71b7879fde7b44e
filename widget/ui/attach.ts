/** Small helpers shared by the window and the composer. */
import type { AppServices } from './app-context';
import { loadChunk, loadMedia } from './lazy';

/** The focused element within the shadow root holding `element`. */
export const activeIn = (element: Element): Element | null =>
  (element.getRootNode() as ShadowRoot).activeElement;

/** Uploads files through the lazily loaded attachments chunk. */
export const attach = (files: File[], services: AppServices): void =>
  void loadChunk(loadMedia, services.store, () => attach(files, services)).then((media) =>
    media?.attachFiles(files, services),
  );

/**
 * The script-tag loader, `widget/dist/parley.js` (served at `/widget/parley.js`): a classic
 * script with no imports that must stay under 2 KB. It installs the `window.Parley(...)` command queue, draws only the launcher,
 * and imports the app chunk (boot.ts) when it is needed: on first open, on hover/focus of the
 * launcher (to be ready by the click), or at once when a stored session says a conversation
 * is in progress. It never blocks the host page.
 *
 *   <script src="https://chat.example.com/widget/parley.js" data-flex-flow="FO…" async></script>
 *   Parley('open');  Parley('identify', { name: 'Ada' });  Parley('on', 'message', fn);
 *
 * Options come from `window.parleySettings` and the tag's `data-` attributes (which win):
 * `data-server-url`, `data-locale`, `data-storage`, `data-start-open="true"`,
 * `data-theme='{"position":"left"}'` (JSON for objects and booleans).
 */
import type { Command, Dispatch } from './boot';
import type { WebchatOptions } from './types';

/** The app chunk's file name, content-hashed; defined by the build from the app's manifest. */
declare const __PARLEY_APP__: string;

type ParleyFunction = ((...command: Command) => unknown) & { q?: Command[]; loaded?: boolean };
type ParleyWindow = Window & { Parley?: ParleyFunction; parleySettings?: Partial<WebchatOptions> };

((w: ParleyWindow, d: Document) => {
  if (w.Parley?.loaded) return; // the script tag is on the page twice
  const script = d.currentScript as HTMLScriptElement | null;
  const src = script?.src || location.href;
  const settings = { ...w.parleySettings } as WebchatOptions & Record<string, unknown>;
  const data = script?.dataset ?? {};
  for (const key in data) {
    const value = data[key] as string;
    let parsed: unknown = value;
    try {
      if (/^[[{]|^(true|false)$/.test(value)) parsed = JSON.parse(value);
    } catch {
      console.error(`[parley] data-${key} is not valid JSON`);
    }
    settings[key === 'flexFlow' ? 'flexFlowSid' : key] = parsed;
  }
  settings.serverUrl ||= new URL(src).origin;
  settings.nonce ||= script?.nonce;
  if (!settings.flexFlowSid) {
    console.error('[parley] add data-flex-flow="FO…" to the parley.js script tag');
    return;
  }
  // Calls made before this script ran (a snippet's stub) are kept and replayed in order.
  const queue: Command[] = w.Parley?.q ?? [];
  const host = d.createElement('parley-webchat');
  let loading = false;
  // A script in <head> without async runs before <body> exists; everything waits for it.
  const ready = new Promise<void>((resolve) =>
    d.body ? resolve() : d.addEventListener('DOMContentLoaded', () => resolve()),
  );

  const load = () => {
    if (loading) return;
    loading = true;
    ready
      .then(() => import(/* @vite-ignore */ new URL(__PARLEY_APP__, src).href))
      .then(
        (chunk: { boot: (host: HTMLElement, settings: WebchatOptions, queue: Command[]) => Dispatch }) => {
          const dispatch = chunk.boot(host, settings, queue);
          w.Parley = Object.assign((...command: Command) => dispatch(...command), { loaded: true });
        },
        (error) => {
          loading = false; // the next click tries again
          console.error('[parley] the chat could not load', error);
        },
      );
  };
  const parley: ParleyFunction = (...command) => {
    queue.push(command);
    if (/^(open|toggle)$/.test(command[0])) load();
  };
  parley.q = queue;
  parley.loaded = true;
  w.Parley = parley;

  const mount = () => {
    host.id = 'parley-webchat';
    host.style.setProperty('all', 'initial', 'important');
    const theme = settings.theme ?? {};
    const left = theme.position === 'left';
    const x = `${theme.offsetX ?? 20}px`;
    host.style.setProperty('--parley-right', left ? 'auto' : x);
    host.style.setProperty('--parley-left', left ? x : 'auto');
    if (theme.offsetY !== undefined) host.style.setProperty('--parley-offset-y', `${theme.offsetY}px`);
    if (theme.colors?.primary) host.style.setProperty('--parley-primary', theme.colors.primary);
    const root = host.attachShadow({ mode: 'open' });
    // Looks like the app's launcher (ui/launcher.tsx), which replaces it once loaded. A <style>
    // with the page's nonce, not style attributes, so a strict CSP allows it.
    root.innerHTML =
      '<style>button{position:fixed;bottom:var(--parley-offset-y,20px);right:var(--parley-right);left:var(--parley-left);z-index:var(--parley-z-index,2147483000);width:56px;height:56px;border:0;border-radius:50%;background:var(--parley-primary,#1d4ed8);color:var(--parley-on-primary,#fff);box-shadow:0 4px 14px rgba(0,0,0,.25);cursor:pointer;display:grid;place-items:center}</style><button type="button" aria-label="Open chat"><svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true"><path fill="currentColor" d="M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 2-2zm3 6v2h10V9H7zm0-3v2h10V6H7zm0 6v2h7v-2H7z"/></svg></button>';
    (root.firstChild as HTMLStyleElement).nonce = settings.nonce ?? '';
    const button = root.lastChild as HTMLButtonElement;
    button.onclick = () => parley('open');
    button.onpointerenter = button.onfocus = load;
    d.body.append(host);
    try {
      const store = settings.storage === 'session' ? sessionStorage : localStorage;
      if (settings.storage !== 'none' && store.getItem(`parley:session:${settings.flexFlowSid}`)) load();
    } catch {
      // No storage, so no session to resume.
    }
    if (settings.startOpen || settings.startEngagementOnInit) load();
    if (queue.some(([name]) => /^(open|toggle)$/.test(name))) load();
  };
  void ready.then(mount);
})(window, document);

/**
 * `createWebchat(options)`: mounts the widget into an open shadow root and returns the instance
 * API. Nothing reaches the network or writes to storage until the visitor first opens the
 * window, except resuming a conversation a stored session says exists (or
 * `startEngagementOnInit`). Unmounting removes every listener, socket and node it added.
 */
import { h, render } from 'preact';
import { createChatClient } from './client/chat-client';
import { createEmitter } from './client/emitter';
import { createOutbox } from './client/outbox';
import { createSessionStore } from './client/session-store';
import { loadSettings } from './client/settings';
import { storageFor } from './client/storage';
import { defaultStrings, loadStrings, pickLocale, type Strings } from './i18n';
import { titleBadge } from './page/attention';
import { watchPageUrl } from './page/page-url';
import { initialChatState } from './state/chat-state';
import { createStore } from './state/store';
import { clearUnread, setOpen } from './state/updates';
import type { Webchat, WebchatEvents, WebchatIdentity, WebchatOptions } from './types';
import { App } from './ui/app';
import type { Actions } from './ui/app-context';
import { adoptSheet } from './ui/sheet';
import { applyTheme } from './ui/theme';

/** Options the script-tag loader adds: the host it already drew the launcher in. */
export interface MountOptions extends WebchatOptions {
  host?: HTMLElement;
}

/** Custom element name: host-page rules for `div` cannot hide or restyle it. */
const HOST_TAG = 'parley-webchat';

export function createWebchat(options: MountOptions): Webchat {
  if (!options?.flexFlowSid) {
    throw new Error('createWebchat: `flexFlowSid` is required, e.g. createWebchat({ flexFlowSid: "FO…" })');
  }
  const serverUrl = (options.serverUrl ?? location.origin).replace(/\/+$/, '');
  const host = options.host ?? document.createElement(HOST_TAG);
  host.id ||= 'parley-webchat';
  // Inherited host-page styles stop at the host, even `* { all: unset !important }`;
  // custom properties (the theme) still pass.
  host.style.setProperty('all', 'initial', 'important');
  applyTheme(host, options.theme);
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  root.replaceChildren();
  const disposeSheet = adoptSheet(root, options.nonce);
  const mountPoint = document.createElement('div');
  root.append(mountPoint);
  if (!host.isConnected) (options.container ?? document.body).append(host);

  const store = createStore(initialChatState);
  const events = createEmitter<WebchatEvents>();
  const { durable, perTab } = storageFor(options.storage);
  const sessions = createSessionStore(options.flexFlowSid, durable, perTab);
  let friendlyName = options.customerFriendlyName;
  let context: Record<string, string> = { ...options.context };
  let verified: WebchatIdentity | null = null;
  let pageUrl = location.href;
  const client = createChatClient({
    serverUrl,
    flexFlowSid: options.flexFlowSid,
    store,
    sessions,
    outbox: createOutbox(options.flexFlowSid, durable),
    events,
    settings: () => loadSettings(serverUrl, options),
    engagement: () => ({
      pageUrl,
      ...(friendlyName ? { customerFriendlyName: friendlyName } : {}),
      ...(Object.keys(context).length ? { preEngagementData: context } : {}),
      ...(verified?.userId && { identify: { ...verified, userId: verified.userId } }),
    }),
  });
  // The page URL follows SPA navigation: sent when the conversation starts, updated as it goes on.
  const stopWatchingUrl = watchPageUrl((url) => {
    pageUrl = url;
    client.updatePage(url);
  });

  let opener: Element | null = null;
  const setWindow = (open: boolean) => {
    if (store.get().open === open) return;
    if (open) opener = document.activeElement;
    store.update(setOpen(open));
    sessions.rememberOpen(open);
    if (open) {
      store.update(clearUnread);
      client.ensureStarted();
      client.markRead();
    } else {
      // Back to the launcher (or the page's own button that opened it), so keyboard users keep their place.
      setTimeout(() => {
        const back = opener instanceof HTMLElement && opener !== host ? opener : root.querySelector('button');
        back?.focus();
      });
    }
    events.emit(open ? 'open' : 'close');
  };

  // The unread count: an event, the launcher's badge (in the UI) and the page title.
  const showInTitle = titleBadge();
  let unread = 0;
  const unsubscribe = store.subscribe((state) => {
    if (state.unread === unread) return;
    // The sound is a nicety: without its chunk (offline), the badge and the title still tell.
    if (state.unread > unread && options.sounds)
      import('./page/chime').then(
        (sound) => sound.chime(),
        () => undefined,
      );
    unread = state.unread;
    showInTitle(unread);
    events.emit('unread', unread);
  });

  const actions: Actions = {
    open: () => setWindow(true),
    close: () => setWindow(false),
    send: client.send,
    resend: client.resend,
    discard: client.discard,
    leaveEmail: client.offerOffline,
    typing: client.notifyTyping,
    end: () => void client.end(),
    startNew: client.restart,
    retry: client.ensureStarted,
    submitForm: client.submitForm,
    sendOffline: client.sendOffline,
    session: client.session,
  };
  let strings: Strings = defaultStrings;
  const draw = () =>
    render(
      h(App, { services: { store, strings: { ...strings, ...options.strings }, actions, serverUrl } }),
      mountPoint,
    );
  const setLocale = async (locale: string) => {
    strings = await loadStrings(pickLocale(locale));
    draw();
  };
  const locale = pickLocale(options.locale);
  if (locale.startsWith('en')) draw();
  else void setLocale(locale);

  const resumed = client.resume();
  if (options.startOpen || (resumed && sessions.wasOpen())) setWindow(true);
  else if (options.startEngagementOnInit && !resumed) client.ensureStarted();
  // After the caller (or the loader's queue) had the chance to subscribe.
  queueMicrotask(() => events.emit('ready'));

  let mounted = true;
  const unmount = (forget: boolean) => {
    if (!mounted) return;
    mounted = false;
    client.dispose(forget);
    stopWatchingUrl();
    unsubscribe();
    showInTitle(0);
    render(null, mountPoint);
    disposeSheet();
    host.remove();
  };

  return {
    element: host,
    open: actions.open,
    close: actions.close,
    toggle: () => setWindow(!store.get().open),
    identify(identity) {
      friendlyName = identity?.name ?? friendlyName;
      const { userId, email, userHash, jwt } = identity ?? {};
      context = { ...context, ...(userId && { userId }), ...(email && { email }) };
      // With proof from the site's server, the visitor is that user on every device.
      verified = userId && (userHash || jwt) ? identity : null;
    },
    setContext(extra) {
      context = { ...context, ...extra };
    },
    setLocale,
    on: events.on,
    off: events.off,
    shutdown: () => unmount(true),
    destroy: () => unmount(false),
  };
}

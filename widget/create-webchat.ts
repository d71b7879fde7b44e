/**
 * `createWebchat(options)`: mounts the widget into an open shadow root and returns the instance
 * API. Nothing reaches the network or writes to storage until the visitor first opens the
 * window, except resuming a conversation a stored session says exists.
 */
import { h, render } from 'preact';
import { createChatClient } from './client/chat-client';
import { createEmitter } from './client/emitter';
import { createOutbox } from './client/outbox';
import { createSessionStore } from './client/session-store';
import { defaultStrings, loadStrings, type Strings } from './i18n';
import { initialChatState } from './state/chat-state';
import { createStore } from './state/store';
import { setOpen } from './state/updates';
import type { Webchat, WebchatEvents, WebchatOptions } from './types';
import { App } from './ui/app';
import type { Actions } from './ui/app-context';
import { adoptSheet } from './ui/sheet';

/** Options the script-tag loader adds: the host it already drew the launcher in. */
export interface MountOptions extends WebchatOptions {
  host?: HTMLElement;
}

export function createWebchat(options: MountOptions): Webchat {
  if (!options?.flexFlowSid) {
    throw new Error('createWebchat: `flexFlowSid` is required, e.g. createWebchat({ flexFlowSid: "FO…" })');
  }
  const serverUrl = (options.serverUrl ?? location.origin).replace(/\/+$/, '');
  const host = options.host ?? document.createElement('div');
  host.id ||= 'parley-webchat';
  // Inherited host-page styles stop at the host; custom properties (the theme) still pass.
  host.style.cssText = 'all: initial';
  const root = host.shadowRoot ?? host.attachShadow({ mode: 'open' });
  root.replaceChildren();
  const disposeSheet = adoptSheet(root);
  const mountPoint = document.createElement('div');
  root.append(mountPoint);
  if (!host.isConnected) (options.container ?? document.body).append(host);

  const store = createStore(initialChatState);
  const events = createEmitter<WebchatEvents>();
  const sessions = createSessionStore(options.flexFlowSid);
  let friendlyName = options.customerFriendlyName;
  let context = { ...options.context };
  const client = createChatClient({
    serverUrl,
    flexFlowSid: options.flexFlowSid,
    store,
    sessions,
    outbox: createOutbox(options.flexFlowSid),
    events,
    engagement: () => ({
      ...(friendlyName ? { customerFriendlyName: friendlyName } : {}),
      ...(Object.keys(context).length ? { preEngagementData: context } : {}),
    }),
  });

  const setWindow = (open: boolean) => {
    if (store.get().open === open) return;
    store.update(setOpen(open));
    sessions.rememberOpen(open);
    if (open) {
      client.ensureStarted();
      client.markRead();
    } else {
      // Back to the launcher, so keyboard users do not lose their place.
      setTimeout(() => (root.querySelector('button') as HTMLElement | null)?.focus());
    }
    events.emit(open ? 'open' : 'close');
  };

  const actions: Actions = {
    open: () => setWindow(true),
    close: () => setWindow(false),
    send: client.send,
    typing: client.notifyTyping,
    end: () => void client.end(),
    startNew: client.restart,
    retry: client.ensureStarted,
  };
  const draw = (strings: Strings) => render(h(App, { services: { store, strings, actions } }), mountPoint);
  draw(defaultStrings);
  if (options.locale)
    void loadStrings(options.locale).then((strings) => strings !== defaultStrings && draw(strings));

  const resumed = client.resume();
  if (options.startOpen || (resumed && sessions.wasOpen())) setWindow(true);

  return {
    element: host,
    open: actions.open,
    close: actions.close,
    toggle: () => setWindow(!store.get().open),
    identify: (identity) => {
      friendlyName = identity?.name ?? friendlyName;
    },
    setContext: (extra) => {
      context = { ...context, ...extra };
    },
    on: events.on,
    off: events.off,
    shutdown() {
      client.dispose();
      render(null, mountPoint);
      disposeSheet();
      host.remove();
    },
  };
}

/**
 * The single-page-app test page: mounts the npm widget on "Mount chat", destroys it on
 * "Unmount chat", navigates with history.pushState. `?flow=FO…` picks the Flex Flow; the page
 * exposes `window.spa` so tests can call the instance API directly.
 */
import { createWebchat, type Webchat, type WebchatOptions } from 'parley-webchat';

const flexFlowSid = new URLSearchParams(location.search).get('flow') ?? '';
const spa = {
  webchat: null as Webchat | null,
  createWebchat,
  mount(options: Partial<WebchatOptions> = {}) {
    spa.webchat?.destroy();
    spa.webchat = createWebchat({ flexFlowSid, ...options });
    return spa.webchat;
  },
  unmount() {
    spa.webchat?.destroy();
    spa.webchat = null;
  },
};
(window as unknown as { spa: typeof spa }).spa = spa;

document.querySelector('#mount')?.addEventListener('click', () => spa.mount());
document.querySelector('#unmount')?.addEventListener('click', () => spa.unmount());
document
  .querySelector('#navigate')
  ?.addEventListener('click', () => history.pushState({}, '', '/checkout?step=2'));

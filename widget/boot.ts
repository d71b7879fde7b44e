/**
 * The app chunk the script-tag loader (embed.ts) imports on first need: creates the webchat in
 * the loader's host, replays the commands queued before it arrived, and answers later
 * `Parley(...)` calls directly.
 */
import { createWebchat } from './create-webchat';
import type { Webchat, WebchatOptions } from './types';

export type Command = [name: string, ...args: unknown[]];
export type Dispatch = (...command: Command) => unknown;

const commands = new Set([
  'open',
  'close',
  'toggle',
  'identify',
  'setContext',
  'setLocale',
  'on',
  'off',
  'shutdown',
]);

export function boot(host: HTMLElement, settings: WebchatOptions, queue: Command[]): Dispatch {
  const webchat = createWebchat({ ...settings, host });
  let live = true;
  const dispatch: Dispatch = (name, ...args) => {
    if (!commands.has(name)) return console.warn(`[parley] unknown command "${name}"`);
    if (!live) return console.warn(`[parley] "${name}" after shutdown: reload the page to chat again`);
    if (name === 'shutdown') live = false;
    return (webchat[name as keyof Webchat] as (...a: unknown[]) => unknown)(...args);
  };
  // Listeners first, so queued `on('ready')` and `on('open')` hear the events the other
  // queued commands cause, in that order (`ready` is emitted a microtask after creation).
  const queued = queue.splice(0);
  for (const command of queued) if (command[0] === 'on' || command[0] === 'off') dispatch(...command);
  queueMicrotask(() => {
    for (const command of queued) if (command[0] !== 'on' && command[0] !== 'off') dispatch(...command);
  });
  return dispatch;
}

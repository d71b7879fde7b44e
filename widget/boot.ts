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
  for (const command of queue.splice(0)) dispatch(...command);
  return dispatch;
}

/**
 * One way to answer a socket event: admit it against the socket's budget, validate the payload
 * against its schema, run the handler, ack `T` or `{ error: { code, message } }`. A handler's
 * failure never reaches Socket.IO, so a bad payload can neither crash the process nor go
 * unanswered, and an event over budget costs no work beyond counting it.
 */
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import type { Logger } from '../core/index.ts';
import { toErrorBody } from '../errors.ts';
import { parse } from '../schemas.ts';
import type { EventGuard } from './budgets.ts';

/** `track` lets shutdown wait for handlers that are still writing. */
export function createHandle(
  socket: Socket,
  log: Logger,
  track: (work: Promise<unknown>) => void,
  admit?: EventGuard,
) {
  return function handle<S extends z.ZodType>(
    event: string,
    schema: S,
    handler: (payload: z.infer<S>) => Promise<unknown>,
  ) {
    socket.on(event, (...args: unknown[]) => track(run(args)));
    async function run(args: unknown[]) {
      const ack = typeof args.at(-1) === 'function' ? (args.at(-1) as (reply: unknown) => void) : null;
      const payload = ack && args.length === 1 ? undefined : args[0];
      let release: (() => void) | undefined;
      try {
        release = await admit?.(event);
        const result = await handler(parse(schema, payload, event));
        ack?.(result ?? { ok: true });
      } catch (err) {
        const { code, message, status } = toErrorBody(err);
        if (status >= 500) log.error({ err, event }, 'socket event failed');
        ack?.({ error: { code, message } });
      } finally {
        release?.();
      }
    }
  };
}

/** A refused handshake: the client sees `err.message === code` and `err.data`. */
export function handshakeError(code: string, message: string) {
  return Object.assign(new Error(code), { data: { code, message } });
}

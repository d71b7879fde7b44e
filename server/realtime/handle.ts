/**
 * One way to answer a socket event: admit it against the socket's budget, validate the payload
 * against its schema, run the handler, ack `T` or `{ error: { code, message } }`. A handler's
 * failure never reaches Socket.IO, so a bad payload can neither crash the process nor go
 * unanswered, and an event over budget costs no work beyond counting it.
 */
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { ParleyError, toErrorBody } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { parse } from '../schemas.ts';
import { type EventGuard, UNKNOWN_EVENT } from './budgets.ts';

/** One event of a namespace: its schema and what it does for the socket that sent it. */
export interface EventHandler<D> {
  schema: z.ZodType;
  /** Accepts the common, valid shape without the schema (null: let the schema decide). */
  fast?: (payload: unknown) => unknown;
  run(socket: Socket & { data: D }, payload: never): Promise<unknown>;
}

/**
 * Types a handler's payload from its schema. `fast`, for an event on the hot path, returns
 * the payload when it is plainly valid, or null to leave it to the schema, which alone
 * refuses (so errors read the same either way).
 */
export function on<D, S extends z.ZodType>(
  schema: S,
  run: (socket: Socket & { data: D }, payload: z.infer<S>) => Promise<unknown>,
  fast?: (payload: unknown) => z.infer<S> | null,
): EventHandler<D> {
  return { schema, fast, run: run as EventHandler<D>['run'] };
}

/**
 * The events of a namespace, defined once: `socket.onAny(dispatch)` on each socket, so an idle
 * connection holds no closures of its own. The socket's guard is made on its first event and
 * goes with the socket. `track` lets shutdown wait for handlers that are still writing.
 */
export function createDispatcher<D>(
  handlers: Record<string, EventHandler<D>>,
  log: Logger,
  track: (work: Promise<unknown>) => void,
  guard?: (socket: Socket & { data: D }) => EventGuard,
  /** Starts timing an acknowledged request; the returned function ends it once acked. */
  time?: (event: string) => () => void,
) {
  const guards = new WeakMap<Socket, EventGuard>();
  function admitFor(socket: Socket & { data: D }): EventGuard | undefined {
    if (!guard) return undefined;
    let admit = guards.get(socket);
    if (!admit) {
      admit = guard(socket);
      guards.set(socket, admit);
    }
    return admit;
  }
  return function dispatch(this: Socket & { data: D }, event: string, ...args: unknown[]) {
    const handler = Object.hasOwn(handlers, event) ? handlers[event] : undefined;
    if (!handler) {
      // Parsing it cost the server as much as a known event: every name it does not know draws
      // on one budget, so a socket that sends only those is cut off like any other flood.
      const admit = admitFor(this);
      track(answer(event, args, log, admit && (() => admit(UNKNOWN_EVENT)), () => refuseUnknown(event)));
      return;
    }
    track(
      answer(
        event,
        args,
        log,
        admitFor(this),
        (payload) =>
          handler.run(this, (handler.fast?.(payload) ?? parse(handler.schema, payload, event)) as never),
        time,
      ),
    );
  };
}

/** Admits, runs and acks one event; never throws. */
async function answer(
  event: string,
  args: unknown[],
  log: Logger,
  admit: EventGuard | undefined,
  work: (payload: unknown) => Promise<unknown>,
  time?: (event: string) => () => void,
) {
  const acked = typeof args.at(-1) === 'function' ? (args.at(-1) as (reply: unknown) => void) : null;
  const end = acked && time?.(event);
  const ack =
    acked &&
    ((reply: unknown) => {
      acked(reply);
      end?.();
    });
  const payload = ack && args.length === 1 ? undefined : args[0];
  let release: (() => void) | undefined;
  try {
    release = await admit?.(event);
    const result = await work(payload);
    ack?.(result ?? { ok: true });
  } catch (err) {
    const { code, message, status } = toErrorBody(err);
    if (status >= 500) log.error({ err, event }, 'socket event failed');
    ack?.({ error: { code, message } });
  } finally {
    release?.();
  }
}

async function refuseUnknown(event: string): Promise<never> {
  const name = event.length > 40 ? `${event.slice(0, 40)}…` : event;
  throw new ParleyError('unknown_event', `There is no event "${name}" on this namespace`, 400);
}

/** A refused handshake: the client sees `err.message === code` and `err.data`. */
export function handshakeError(code: string, message: string) {
  return Object.assign(new Error(code), { data: { code, message } });
}

/**
 * Budgets for socket events: every event a client may send has a limit per socket, and most
 * also per identity (a visitor's contact, an agent's worker) and per address, so that neither
 * one connection nor many connections of one actor can make the server do unbounded work.
 * Socket budgets are counted on the socket's own node; identity and address budgets go
 * through the shared RateCounter (Redis when there are several nodes).
 *
 * An event over budget is refused before any work is done: a request is acked
 * `rate_limited`, a notification (typing, read) is dropped. A socket that keeps sending far
 * past its budget is not a widget or a desk (both throttle themselves) and is disconnected.
 */
import type { Socket } from 'socket.io';
import { createWindows, type RateCounter } from '../core/rate-counter.ts';
import { ParleyError } from '../errors.ts';

export interface Budget {
  /** Events per window from one socket. */
  perSocket: number;
  /** Events per window from all sockets of one identity. */
  perIdentity?: number;
  /** Events per window from all sockets of one address. */
  perAddress?: number;
  /** How many of these may be in progress on one socket at once. */
  concurrent?: number;
  windowMs?: number;
  /** What the refusal calls these events ("messages"); the event name otherwise. */
  noun?: string;
}

export type Budgets = Record<string, Budget>;

/**
 * The budget every event name a namespace does not handle shares: no widget sends one, but
 * each still costs the server its parsing, so a socket sending them is cut off soon.
 */
export const UNKNOWN_EVENT = '(unknown event)';

/** A socket that sends this many times its budget in one window is disconnected. */
const ABUSE_FACTOR = 4;
const MINUTE = 60_000;

export interface MessageLimits {
  /** Messages one visitor connection may send per minute. */
  messagesPerMinute: number;
  /** Messages all visitor connections from one address may send per minute. */
  messagesPerMinutePerIp: number;
}

export const DEFAULT_MESSAGE_LIMITS: MessageLimits = { messagesPerMinute: 60, messagesPerMinutePerIp: 600 };

/**
 * The visitor's events. The widget sends typing at most every 2 s, syncs on (re)connect and
 * after membership changes, reads when messages arrive while open, and refreshes its session
 * a few times an hour: each budget leaves a real widget ample room.
 */
export function webchatBudgets(limits: MessageLimits): Budgets {
  return {
    'message:send': {
      noun: 'messages',
      perSocket: limits.messagesPerMinute,
      perIdentity: limits.messagesPerMinute * 2,
      perAddress: limits.messagesPerMinutePerIp,
    },
    'messages:sync': { perSocket: 60, perIdentity: 180, perAddress: 1200, concurrent: 1 },
    'typing:start': { perSocket: 40, perIdentity: 60, perAddress: 1200 },
    'channel:read': { perSocket: 120, perIdentity: 240, perAddress: 2400 },
    'context:update': { perSocket: 30, perIdentity: 60, perAddress: 600 },
    'chat:end': { perSocket: 10, perIdentity: 20 },
    'session:refresh': { perSocket: 10, perIdentity: 30, perAddress: 600 },
    [UNKNOWN_EVENT]: { perSocket: 10, noun: 'unknown events' },
  };
}

/**
 * The agent's events: signed-in staff, so generous, but still bounded so that a stolen or
 * buggy desk cannot flood the server. Events not listed get `default`.
 */
export const AGENT_BUDGETS: Budgets = {
  default: { perSocket: 240, perIdentity: 600 },
  'messages:sync': { perSocket: 240, perIdentity: 600, concurrent: 4 },
  'typing:start': { perSocket: 60, perIdentity: 120 },
  'message:send': { perSocket: 120, perIdentity: 300 },
  'whisper:send': { perSocket: 120, perIdentity: 300 },
  'whispers:sync': { perSocket: 240, perIdentity: 600, concurrent: 4 },
  'supervisor:join': { perSocket: 30, perIdentity: 60 },
  'supervisor:leave': { perSocket: 30, perIdentity: 60 },
  [UNKNOWN_EVENT]: { perSocket: 30, noun: 'unknown events' },
};

export interface Actor {
  /** `contact:CO…` or `worker:WK…`. */
  identity: string;
  address: string;
}

function rateLimited(noun: string, limit: number, windowMs: number, scope: string) {
  const per = windowMs === MINUTE ? 'a minute' : `per ${windowMs / 1000} s`;
  return new ParleyError(
    'rate_limited',
    `Too many ${noun}${scope}: at most ${limit} ${per}; wait a moment and try again`,
    429,
  );
}

/**
 * The guard of one socket: `admit(event)` resolves to a release function when the event may
 * run, or throws `rate_limited`. It disconnects the socket when it floods.
 */
export function createEventGuard(socket: Socket, actor: Actor, budgets: Budgets, counter: RateCounter) {
  // This socket's own counts: on its node, gone with it.
  const local = createWindows();
  const running = new Map<string, number>();

  return async function admit(event: string): Promise<() => void> {
    const budget = budgets[event] ?? budgets.default;
    if (!budget) return noop;
    const windowMs = budget.windowMs ?? MINUTE;
    const noun = budget.noun ?? `${event} events`;
    const count = local.hit(event, windowMs);
    if (count > budget.perSocket) {
      if (count > budget.perSocket * ABUSE_FACTOR) socket.disconnect(true);
      throw rateLimited(noun, budget.perSocket, windowMs, '');
    }
    const limited = budget.concurrent !== undefined;
    const inFlight = running.get(event) ?? 0;
    if (limited && inFlight >= (budget.concurrent as number)) {
      throw new ParleyError(
        'rate_limited',
        `Wait for the answer to the last ${event} before sending another`,
        429,
      );
    }
    // The slot is taken before waiting on the shared counters, so a burst cannot slip past it.
    let released = !limited;
    const release = () => {
      if (released) return;
      released = true;
      running.set(event, (running.get(event) ?? 1) - 1);
    };
    if (limited) running.set(event, inFlight + 1);
    try {
      const [byIdentity, byAddress] = await Promise.all([
        budget.perIdentity ? counter.hit(`${event}:id:${actor.identity}`, windowMs) : 0,
        budget.perAddress ? counter.hit(`${event}:ip:${actor.address}`, windowMs) : 0,
      ]);
      if (budget.perIdentity && byIdentity > budget.perIdentity)
        throw rateLimited(noun, budget.perIdentity, windowMs, ' from this visitor or agent');
      if (budget.perAddress && byAddress > budget.perAddress)
        throw rateLimited(noun, budget.perAddress, windowMs, ' from this address');
    } catch (err) {
      release();
      throw err;
    }
    return limited ? release : noop;
  };
}

export type EventGuard = ReturnType<typeof createEventGuard>;

const noop = () => {};

/**
 * What a namespace's dispatcher makes each socket's guard with (none without budgets): the
 * socket's actor is `identityOf` its data, counted per address too.
 */
export function guardsFor<D extends { address: string }>(
  budgets: Budgets | null,
  counter: RateCounter,
  identityOf: (data: D) => string,
) {
  if (!budgets) return undefined;
  return (socket: Socket & { data: D }) =>
    createEventGuard(
      socket,
      { identity: identityOf(socket.data), address: socket.data.address },
      budgets,
      counter,
    );
}

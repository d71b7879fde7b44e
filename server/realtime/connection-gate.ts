/**
 * How many sockets one session (a visitor's chat, an agent's worker) and one address may hold
 * open on a node. Real use is a few tabs; more is a client trying to exhaust descriptors and
 * memory. Counted per node: a connection's cost (a descriptor, its buffers) is paid by the
 * node that holds it. Addresses are the client's, read through the trusted proxies.
 */
import type { Server, Socket } from 'socket.io';
import { addressKey } from '../core/rate-counter.ts';
import { clientAddress, type TrustProxy } from '../http/proxy-trust.ts';
import { handshakeError } from './handle.ts';

export interface ConnectionLimits {
  /** Sockets one session (a visitor's chat, or an agent) may hold open. */
  connectionsPerSession: number;
  /** Sockets one address may hold open, across namespaces. */
  connectionsPerIp: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  connectionsPerSession: 20,
  connectionsPerIp: 500,
};

/**
 * What the gate counts a socket under, kept in its `socket.data`: its address, and its session,
 * keyed by the sid it stands for (a visitor's channel CH…, an agent's worker WK…).
 */
export type GatedData = { address: string } & ({ channelSid: string } | { workerSid: string });

const sessionOf = (data: GatedData) => ('workerSid' in data ? data.workerSid : data.channelSid);

/** Open counts per key in a Map that holds only the keys with something open. */
function createCounts() {
  const open = new Map<string, number>();
  return {
    get: (key: string) => open.get(key) ?? 0,
    take: (key: string) => open.set(key, (open.get(key) ?? 0) + 1),
    release(key: string) {
      const count = (open.get(key) ?? 1) - 1;
      if (count <= 0) open.delete(key);
      else open.set(key, count);
    },
  };
}

export function createConnectionGate(limits: ConnectionLimits, trust: TrustProxy) {
  const sessions = createCounts();
  const addresses = createCounts();
  const free = (data: GatedData) => {
    sessions.release(sessionOf(data));
    addresses.release(data.address);
  };
  // Sockets admitted by a namespace's middleware that have not connected yet: if their
  // connection closes first, Socket.IO drops them without a 'disconnect', so that close frees
  // their slots. Once connected, `leave` on 'disconnect' does, and an idle socket keeps no
  // closure of its own here.
  const pending = new Map<Socket, () => void>();

  /** The handshake error when the session or address is full; checked before any lookup. */
  function refusal(session: string, address: string): Error | null {
    if (sessions.get(session) >= limits.connectionsPerSession) {
      return handshakeError(
        'too_many_connections',
        `This session already has ${limits.connectionsPerSession} open connections: close a tab and try again`,
      );
    }
    if (addresses.get(address) >= limits.connectionsPerIp) {
      return handshakeError('too_many_connections', 'Too many open connections from this address');
    }
    return null;
  }

  return {
    addressOf(socket: Socket): string {
      return addressKey(
        clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], trust),
      );
    },
    refusal,
    /**
     * Takes a slot for the socket under the session and address of `data` (which the caller
     * then keeps as `socket.data`), or returns the handshake error to refuse it with.
     */
    admit(socket: Socket, data: GatedData): Error | null {
      // Gone while its handshake was looked up: a close already past would never free a slot.
      if (socket.conn.readyState !== 'open') return handshakeError('closed', 'The connection closed');
      const refused = refusal(sessionOf(data), data.address);
      if (refused) return refused;
      sessions.take(sessionOf(data));
      addresses.take(data.address);
      const dropped = () => {
        pending.delete(socket);
        free(data);
      };
      pending.set(socket, dropped);
      socket.conn.once('close', dropped);
      return null;
    },
    /** The admitted socket joined its namespace: from now on `leave` frees its slots. */
    connected(socket: Socket) {
      const dropped = pending.get(socket);
      if (!dropped) return;
      pending.delete(socket);
      socket.conn.off('close', dropped);
    },
    /** Frees the slots of a connected socket that left its namespace (its 'disconnect'). */
    leave(socket: Socket) {
      free(socket.data as GatedData);
    },
    count: (session: string) => sessions.get(session),
  };
}

export type ConnectionGate = ReturnType<typeof createConnectionGate>;

export interface TrackedConnection {
  on(event: 'close', listener: (this: TrackedConnection) => void): unknown;
}

/**
 * Transport connections (Engine.IO sessions) per address, whether or not they join a
 * namespace. A session that never joins one, or whose handshake was refused, still holds its
 * memory until Socket.IO's `connectTimeout`, and a long-polling client keeps a session without
 * holding a TCP connection, so neither the namespace gate nor the TCP limit sees them.
 */
export function createTransportGate(limit: number) {
  const open = createCounts();
  // Each session's address, freed by one 'close' listener shared by every session.
  const addressOf = new Map<TrackedConnection, string>();
  function untrack(this: TrackedConnection) {
    const address = addressOf.get(this);
    if (address === undefined) return;
    addressOf.delete(this);
    open.release(address);
  }
  return {
    /** True when the address already holds `limit` sessions: its next handshake is refused. */
    full: (address: string) => open.get(address) >= limit,
    /** Counts a new session under its address until it closes. */
    track(conn: TrackedConnection, address: string) {
      addressOf.set(conn, address);
      open.take(address);
      conn.on('close', untrack);
    },
    count: (address: string) => open.get(address),
  };
}

/**
 * The main namespace `/` serves nobody (the widget uses `/webchat`, the desk `/agent`), yet
 * Socket.IO lets anyone join it: refused, a client there holds nothing past `connectTimeout`.
 */
export function refuseMainNamespace(io: Server) {
  io.of('/').use((_socket, next) =>
    next(handshakeError('unknown_namespace', 'Connect to /webchat (visitors) or /agent (agents)')),
  );
}

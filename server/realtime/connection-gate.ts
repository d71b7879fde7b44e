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

export function createConnectionGate(limits: ConnectionLimits, trust: TrustProxy) {
  const open = new Map<string, number>();
  const take = (key: string) => open.set(key, (open.get(key) ?? 0) + 1);
  function release(key: string) {
    const count = (open.get(key) ?? 1) - 1;
    if (count <= 0) open.delete(key);
    else open.set(key, count);
  }

  return {
    addressOf(socket: Socket): string {
      return addressKey(
        clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], trust),
      );
    },
    /**
     * Takes a slot for the socket under its session and address, freed when it goes; returns
     * the handshake error to refuse it with when either is full.
     */
    /** The handshake error when the session or address is full; checked before any lookup. */
    refusal(session: string, address: string): Error | null {
      if ((open.get(session) ?? 0) >= limits.connectionsPerSession) {
        return handshakeError(
          'too_many_connections',
          `This session already has ${limits.connectionsPerSession} open connections: close a tab and try again`,
        );
      }
      if ((open.get(`ip:${address}`) ?? 0) >= limits.connectionsPerIp) {
        return handshakeError('too_many_connections', 'Too many open connections from this address');
      }
      return null;
    },
    admit(socket: Socket, session: string, address: string): Error | null {
      const byAddress = `ip:${address}`;
      const refused = this.refusal(session, address);
      if (refused) return refused;
      take(session);
      take(byAddress);
      let released = false;
      const done = () => {
        if (released) return;
        released = true;
        release(session);
        release(byAddress);
      };
      // Whichever comes first: the socket leaving its namespace, or the connection closing
      // (also when the client went away before the handshake finished).
      socket.once('disconnect', done);
      socket.conn.once('close', done);
      return null;
    },
    count: (key: string) => open.get(key) ?? 0,
  };
}

export type ConnectionGate = ReturnType<typeof createConnectionGate>;

/**
 * Transport connections (Engine.IO sessions) per address, whether or not they join a
 * namespace. A session that never joins one, or whose handshake was refused, still holds its
 * memory until Socket.IO's `connectTimeout`, and a long-polling client keeps a session without
 * holding a TCP connection, so neither the namespace gate nor the TCP limit sees them.
 */
export function createTransportGate(limit: number) {
  const open = new Map<string, number>();
  return {
    /** True when the address already holds `limit` sessions: its next handshake is refused. */
    full: (address: string) => (open.get(address) ?? 0) >= limit,
    /** Counts a new session under its address until it closes. */
    track(conn: { once(event: 'close', listener: () => void): unknown }, address: string) {
      open.set(address, (open.get(address) ?? 0) + 1);
      conn.once('close', () => {
        const left = (open.get(address) ?? 1) - 1;
        if (left <= 0) open.delete(address);
        else open.set(address, left);
      });
    },
    count: (address: string) => open.get(address) ?? 0,
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

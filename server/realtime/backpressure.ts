/**
 * Backpressure: what the server queues for one client is bounded. Every packet bound for a
 * connection (replies, broadcasts) is counted with what is already waiting for it, in
 * Engine.IO's write buffer and in the WebSocket's send buffer; a client that stops reading
 * while its queue grows past the limit is cut off and its queue freed, instead of being
 * buffered without end. A reading client never comes near it: sync replies are paged to a
 * quarter of a megabyte and chat messages are a few kilobytes.
 */
import type { Server } from 'socket.io';

export const DEFAULT_MAX_QUEUED_BYTES = 4 * 1024 * 1024;

interface QueuedPacket {
  data?: unknown;
}

/** The Engine.IO connection's parts that hold unsent data (not in its public types). */
export interface EngineConnection {
  writeBuffer: QueuedPacket[];
  transport: { name: string; socket?: { bufferedAmount?: number; terminate?: () => void } };
  on(event: 'packetCreate', listener: (packet: QueuedPacket) => void): void;
  close(discard?: boolean): void;
}

const sizeOf = (data: unknown): number =>
  typeof data === 'string' ? data.length : data instanceof Uint8Array ? data.byteLength : 0;

/** Bytes waiting to reach the client: Engine.IO's buffer plus the WebSocket's. */
export function queuedBytes(conn: EngineConnection): number {
  let bytes = conn.transport.socket?.bufferedAmount ?? 0;
  for (const packet of conn.writeBuffer) bytes += sizeOf(packet.data);
  return bytes;
}

/** How much of a connection's current write buffer was counted, and its bytes. */
interface Counted {
  counted: number;
  bytes: number;
}

/**
 * `queuedBytes` counted from where the last count stopped, instead of over the whole buffer on
 * every packet. Engine.IO appends one packet to its write buffer after each `packetCreate` and
 * replaces the buffer with an empty array when it flushes or closes, so a buffer no longer than
 * what was counted is a new one. Holding a count, not the array, lets a flushed buffer and the
 * packets in it go as soon as Engine.IO drops them.
 */
function countQueued(conn: EngineConnection, state: Counted): number {
  const buffer = conn.writeBuffer;
  if (buffer.length <= state.counted) {
    state.counted = 0;
    state.bytes = 0;
  }
  for (; state.counted < buffer.length; state.counted++) state.bytes += sizeOf(buffer[state.counted]?.data);
  return state.bytes + (conn.transport.socket?.bufferedAmount ?? 0);
}

/** `queuedBytes` of one connection, to be called on each of its `packetCreate` events. */
export function queueCounter(conn: EngineConnection): () => number {
  const state: Counted = { counted: 0, bytes: 0 };
  return () => countQueued(conn, state);
}

/**
 * Cuts off, on every node's own connections, any client whose queue passes `maxBytes`. One
 * listener serves every connection, and a connection's count is kept only while Engine.IO's
 * buffer holds packets for it: an idle connection, whose buffer is flushed, costs nothing here.
 */
export function enforceBackpressure(io: Server, maxBytes: number, onCutOff: (queued: number) => void): void {
  type Listened = EngineConnection & { off(event: 'packetCreate', listener: () => void): void };
  const counts = new WeakMap<EngineConnection, Counted>();
  function checkQueue(this: Listened) {
    let state = counts.get(this);
    let queued: number;
    if (this.writeBuffer.length === 0) {
      if (state) counts.delete(this);
      queued = this.transport.socket?.bufferedAmount ?? 0;
    } else {
      if (!state) {
        state = { counted: 0, bytes: 0 };
        counts.set(this, state);
      }
      queued = countQueued(this, state);
    }
    if (queued <= maxBytes) return;
    // Cut off once: a closing connection may still create packets.
    this.off('packetCreate', checkQueue);
    counts.delete(this);
    onCutOff(queued);
    // Drop what is queued at once: a WebSocket that is not being read would otherwise keep
    // its buffer until the close handshake times out.
    this.transport.socket?.terminate?.();
    this.close(true);
  }
  io.engine.on('connection', (conn: Listened) => conn.on('packetCreate', checkQueue));
}

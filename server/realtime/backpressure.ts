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

/**
 * `queuedBytes` for one connection, counted as packets arrive instead of over the whole buffer
 * on every packet: Engine.IO only appends to its write buffer and replaces it with a new array
 * when it flushes or closes, so the packets already counted stay counted until the array changes.
 */
export function queueCounter(conn: EngineConnection): () => number {
  let buffer: QueuedPacket[] | undefined;
  let counted = 0;
  let bytes = 0;
  return () => {
    if (conn.writeBuffer !== buffer) {
      buffer = conn.writeBuffer;
      counted = 0;
      bytes = 0;
    }
    for (; counted < buffer.length; counted++) bytes += sizeOf(buffer[counted]?.data);
    return bytes + (conn.transport.socket?.bufferedAmount ?? 0);
  };
}

/** Cuts off, on every node's own connections, any client whose queue passes `maxBytes`. */
export function enforceBackpressure(io: Server, maxBytes: number, onCutOff: (queued: number) => void): void {
  io.engine.on('connection', (conn: EngineConnection) => {
    let cut = false;
    const countQueued = queueCounter(conn);
    conn.on('packetCreate', () => {
      if (cut) return;
      const queued = countQueued();
      if (queued <= maxBytes) return;
      cut = true;
      onCutOff(queued);
      // Drop what is queued at once: a WebSocket that is not being read would otherwise keep
      // its buffer until the close handshake times out.
      conn.transport.socket?.terminate?.();
      conn.close(true);
    });
  });
}

/** Counting what waits for a client as packets arrive: the count follows Engine.IO's buffer. */
import { describe, expect, it } from 'vitest';
import { type EngineConnection, queueCounter, queuedBytes } from '../../server/realtime/backpressure.ts';

function connection(): EngineConnection & { transport: { socket: { bufferedAmount: number } } } {
  return {
    writeBuffer: [],
    transport: { name: 'websocket', socket: { bufferedAmount: 0 } },
    on: () => {},
    close: () => {},
  };
}

describe('queued bytes, counted incrementally', () => {
  it('agree with a full count while Engine.IO appends, flushes (a new array) and the socket buffers', () => {
    const conn = connection();
    const count = queueCounter(conn);
    expect(count()).toBe(0);
    conn.writeBuffer.push({ data: 'x'.repeat(10) }, { data: new Uint8Array(5) }, {});
    expect(count()).toBe(15);
    conn.writeBuffer.push({ data: 'y'.repeat(100) });
    conn.transport.socket.bufferedAmount = 1000;
    expect(count()).toBe(1115);
    expect(count()).toBe(queuedBytes(conn));
    // A flush hands the packets to the transport and starts a new buffer.
    conn.writeBuffer = [];
    conn.transport.socket.bufferedAmount = 1115;
    expect(count()).toBe(1115);
    conn.writeBuffer.push({ data: 'z' });
    expect(count()).toBe(1116);
    expect(count()).toBe(queuedBytes(conn));
  });

  it('count a replaced buffer afresh even when it is as long as the last one', () => {
    const conn = connection();
    const count = queueCounter(conn);
    conn.writeBuffer.push({ data: 'a'.repeat(7) });
    expect(count()).toBe(7);
    conn.writeBuffer = [{ data: 'b'.repeat(3) }];
    expect(count()).toBe(3);
  });
});

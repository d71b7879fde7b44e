/**
 * The connection gate's slots at the edges a real client can hardly reach: a connection that
 * closes after the namespace middleware admitted its socket but before Socket.IO connects it
 * (Socket.IO then drops the socket without a 'disconnect'), and one already closed when the
 * middleware's lookup returns. The usual paths run against a real server in
 * test/integration/socket-slots.test.ts.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { parseTrustProxy } from '../../server/http/proxy-trust.ts';
import { createConnectionGate } from '../../server/realtime/connection-gate.ts';

const limits = { connectionsPerSession: 1, connectionsPerIp: 10 };

/** A socket as far as the gate sees one: its connection (an emitter with a state) and its data. */
function socketOn(conn: EventEmitter & { readyState: string }) {
  return { conn, data: {} } as unknown as Socket;
}
const openConnection = () => Object.assign(new EventEmitter(), { readyState: 'open' });
const data = { channelSid: 'CH1', address: '203.0.113.9' };

describe('the connection gate', () => {
  it('frees the slots of an admitted socket whose connection closes before it connects', () => {
    const gate = createConnectionGate(limits, parseTrustProxy(undefined));
    const conn = openConnection();
    expect(gate.admit(socketOn(conn), data)).toBeNull();
    expect(gate.count('CH1')).toBe(1);
    conn.readyState = 'closed';
    conn.emit('close');
    expect(gate.count('CH1')).toBe(0);
    expect(gate.admit(socketOn(openConnection()), data)).toBeNull();
  });

  it('refuses, without taking a slot, a socket whose connection closed during the lookup', () => {
    const gate = createConnectionGate(limits, parseTrustProxy(undefined));
    const conn = Object.assign(new EventEmitter(), { readyState: 'closed' });
    expect(gate.admit(socketOn(conn), data)).toMatchObject({ message: 'closed' });
    expect(gate.count('CH1')).toBe(0);
  });

  it('once connected, holds the slot through the close until the socket leaves, and keeps no listener', () => {
    const gate = createConnectionGate(limits, parseTrustProxy(undefined));
    const conn = openConnection();
    const socket = socketOn(conn);
    expect(gate.admit(socket, data)).toBeNull();
    (socket as unknown as { data: unknown }).data = data;
    gate.connected(socket);
    expect(conn.listenerCount('close')).toBe(0);
    expect(gate.admit(socketOn(openConnection()), data)).toMatchObject({ message: 'too_many_connections' });
    gate.leave(socket);
    expect(gate.count('CH1')).toBe(0);
  });
});

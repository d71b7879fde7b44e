/**
 * The widget's text-only Socket.IO and Engine.IO codecs (widget/client/wire), which it uses
 * instead of socket.io-parser and engine.io-parser: every packet the server's real parsers
 * write, they read the same, and what they write, the server's parsers read the same.
 */
import { parse as engineParse } from 'engine.io-client';
import * as engine from 'engine.io-parser';
import * as socketio from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import * as slimEngine from '../../widget/client/wire/engine-parser.ts';
import { parse } from '../../widget/client/wire/parse-uri.ts';
import * as slim from '../../widget/client/wire/socket-parser.ts';

const packets: socketio.Packet[] = [
  { type: socketio.PacketType.CONNECT, nsp: '/webchat', data: { token: 'a.b.c' } },
  { type: socketio.PacketType.CONNECT, nsp: '/webchat', data: { sid: 'x1', pid: 'p' } },
  { type: socketio.PacketType.CONNECT_ERROR, nsp: '/webchat', data: { message: 'unauthorized' } },
  { type: socketio.PacketType.DISCONNECT, nsp: '/webchat' },
  { type: socketio.PacketType.EVENT, nsp: '/webchat', data: ['message:new', { body: 'Hi, 12 "x" ,/\n 😀' }] },
  { type: socketio.PacketType.EVENT, nsp: '/webchat', id: 12, data: ['message:send', { clientId: 'c1' }] },
  { type: socketio.PacketType.ACK, nsp: '/webchat', id: 12, data: [{ message: { index: 3 } }] },
  { type: socketio.PacketType.EVENT, nsp: '/', data: ['typing:start'] },
  { type: socketio.PacketType.ACK, nsp: '/', id: 0, data: [] },
];

/** Decodes one encoded packet with a decoder of either parser. */
function decodeWith(
  decoder: { add(s: string): void; on(e: 'decoded', f: (p: unknown) => void): unknown },
  s: string,
) {
  let out: unknown;
  decoder.on('decoded', (packet) => {
    out = packet;
  });
  decoder.add(s);
  return out;
}

describe('the widget Socket.IO codec', () => {
  it('writes every packet exactly as socket.io-parser writes it', () => {
    for (const packet of packets) {
      expect(new slim.Encoder().encode(packet as slim.Packet)).toEqual(new socketio.Encoder().encode(packet));
    }
  });

  it('reads every packet the server writes as socket.io-parser reads it', () => {
    for (const packet of packets) {
      const [encoded] = new socketio.Encoder().encode(packet) as string[];
      expect(decodeWith(new slim.Decoder(), encoded ?? '')).toEqual(
        decodeWith(new socketio.Decoder(), encoded ?? ''),
      );
    }
  });

  it('refuses what it cannot read, so the client drops the connection instead of guessing', () => {
    const decoder = new slim.Decoder();
    expect(() => decoder.add('51-/webchat,["file",{"_placeholder":true,"num":0}]')).toThrow(/unsupported/);
    expect(() => decoder.add(new ArrayBuffer(4))).toThrow(/unsupported/);
    expect(() => decoder.add('2/webchat,["connect"]')).toThrow(/invalid payload/);
    expect(() => decoder.add('2/webchat,{not json')).toThrow(/invalid payload/);
  });
});

describe('the widget Engine.IO codec', () => {
  const enginePackets: engine.Packet[] = [
    { type: 'open', data: '{"sid":"s","upgrades":["websocket"],"pingInterval":25000}' },
    { type: 'ping' },
    { type: 'pong', data: 'probe' },
    { type: 'message', data: '2/webchat,["message:new",{}]' },
    { type: 'upgrade' },
    { type: 'noop' },
    { type: 'close' },
  ];

  it('writes packets and long-polling payloads as engine.io-parser does', () => {
    for (const packet of enginePackets) {
      let ours = '';
      let theirs: unknown;
      slimEngine.encodePacket(packet, true, (s) => {
        ours = s;
      });
      engine.encodePacket(packet, true, (s) => {
        theirs = s;
      });
      expect(ours).toBe(theirs);
    }
    let ours = '';
    let theirs = '';
    slimEngine.encodePayload(enginePackets, (s) => {
      ours = s;
    });
    engine.encodePayload(enginePackets, (s) => {
      theirs = s;
    });
    expect(ours).toBe(theirs);
  });

  it('reads packets and payloads as engine.io-parser does', () => {
    let payload = '';
    engine.encodePayload(enginePackets, (s) => {
      payload = s;
    });
    expect(slimEngine.decodePayload(payload)).toEqual(engine.decodePayload(payload));
    expect(slimEngine.decodePacket('9nonsense')).toEqual(engine.decodePacket('9nonsense'));
    expect(slimEngine.decodePayload('4a\x1ex\x1e4b')).toEqual(engine.decodePayload('4a\x1ex\x1e4b'));
  });
});

describe('the widget URI parser', () => {
  it('reads a server address as engine.io-client does', () => {
    for (const uri of [
      'http://127.0.0.1:3000/webchat',
      'https://chat.example.com/webchat',
      'https://chat.example.com:8443/webchat?region=eu',
      'http://[::1]:8080/webchat',
      'ws://localhost:3000',
      'localhost:3000',
    ]) {
      const theirs = engineParse(uri);
      const ours = parse(uri);
      for (const field of ['protocol', 'host', 'port', 'query', 'source'] as const) {
        expect(ours[field], `${field} of ${uri}`).toBe(theirs[field] || (field === 'protocol' ? 'http' : ''));
      }
      expect(ours.path || '/').toBe(theirs.path || '/');
    }
  });
});

/**
 * Socket.IO's packet codec (protocol 5) for JSON packets only, as `socket.io-parser` writes and
 * reads them (namespace-socket.ts uses it). The `/webchat` events carry JSON DTOs and never
 * binary attachments, so the binary event and ack packets (and the scans for buffers in every
 * payload) are left out: a binary packet from a server is refused as a parse error, and the
 * client reconnects.
 */
import { Emitter } from '@socket.io/component-emitter';

export const protocol = 5;

export enum PacketType {
  CONNECT = 0,
  DISCONNECT = 1,
  EVENT = 2,
  ACK = 3,
  CONNECT_ERROR = 4,
  BINARY_EVENT = 5,
  BINARY_ACK = 6,
}

export interface Packet {
  type: PacketType;
  nsp: string;
  id?: number;
  data?: unknown;
}

/** Event names the Socket.IO client reserves; a server event under one of them is refused. */
const RESERVED = ['connect', 'connect_error', 'disconnect', 'disconnecting', 'newListener', 'removeListener'];

export class Encoder {
  encode(packet: Packet): string[] {
    let encoded = `${packet.type}`;
    if (packet.nsp && packet.nsp !== '/') encoded += `${packet.nsp},`;
    if (packet.id != null) encoded += packet.id;
    if (packet.data != null) encoded += JSON.stringify(packet.data);
    return [encoded];
  }
}

const isObject = (value: unknown) => Object.prototype.toString.call(value) === '[object Object]';

function isPayloadValid(type: PacketType, payload: unknown): boolean {
  switch (type) {
    case PacketType.CONNECT:
      return isObject(payload);
    case PacketType.DISCONNECT:
      return payload === undefined;
    case PacketType.CONNECT_ERROR:
      return typeof payload === 'string' || isObject(payload);
    case PacketType.EVENT:
      return (
        Array.isArray(payload) &&
        (typeof payload[0] === 'number' || (typeof payload[0] === 'string' && !RESERVED.includes(payload[0])))
      );
    case PacketType.ACK:
      return Array.isArray(payload);
    default:
      return false;
  }
}

/** `<type>[<nsp>,][<ack id>][<JSON>]`, e.g. `2/webchat,12["message:new",{…}]`. */
const PACKET = /^([0-4])(?:(\/[^,]*),?)?(\d+)?(.*)$/s;

export class Decoder extends Emitter<
  Record<string, never>,
  Record<string, never>,
  { decoded: (packet: Packet) => void }
> {
  add(encoded: unknown) {
    const match = typeof encoded === 'string' ? PACKET.exec(encoded) : null;
    if (!match) throw new Error(`unsupported packet: ${String(encoded).slice(0, 20)}`);
    const packet: Packet = { type: Number(match[1]), nsp: match[2] ?? '/' };
    if (match[3]) packet.id = Number(match[3]);
    if (match[4]) {
      let data: unknown;
      try {
        data = JSON.parse(match[4]);
      } catch {
        data = false;
      }
      if (!isPayloadValid(packet.type, data)) throw new Error('invalid payload');
      packet.data = data;
    }
    this.emitReserved('decoded', packet);
  }

  destroy() {}
}

/**
 * Engine.IO's packet codec (protocol 4) for text frames only, built in place of
 * `engine.io-parser` (see vite.config.ts). Every packet the `/webchat` namespace carries is
 * JSON text, so the binary and base64 paths of the full parser (about 1 KB for every visitor)
 * are never needed. Exports what engine.io-client imports, under the same names.
 */
export const protocol = 4;

interface Packet {
  type: string;
  data?: unknown;
}

const TYPES = ['open', 'close', 'ping', 'pong', 'message', 'upgrade', 'noop'];
/** Packets of one long-polling payload are separated by the record separator. */
const SEPARATOR = '\x1e';
const ERROR_PACKET: Packet = { type: 'error', data: 'parser error' };

export const encodePacket = (packet: Packet, _supportsBinary: boolean, callback: (encoded: string) => void) =>
  callback(TYPES.indexOf(packet.type) + String(packet.data ?? ''));

export function decodePacket(encoded: unknown): Packet {
  // A binary frame: handed on as it came, so the Socket.IO layer reports it as a parse error.
  if (typeof encoded !== 'string') return { type: 'message', data: encoded };
  const type = TYPES[Number(encoded[0])];
  if (!type || !/\d/.test(encoded[0] ?? '')) return ERROR_PACKET;
  return encoded.length > 1 ? { type, data: encoded.slice(1) } : { type };
}

export const encodePayload = (packets: Packet[], callback: (payload: string) => void) =>
  callback(packets.map((packet) => TYPES.indexOf(packet.type) + String(packet.data ?? '')).join(SEPARATOR));

export function decodePayload(payload: string): Packet[] {
  const packets: Packet[] = [];
  for (const encoded of payload.split(SEPARATOR)) {
    const packet = decodePacket(encoded);
    packets.push(packet);
    if (packet.type === 'error') break;
  }
  return packets;
}

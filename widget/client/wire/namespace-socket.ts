/**
 * A Socket.IO client for one namespace, on engine.io-client (which owns the transports:
 * WebSocket first, long-polling as the fallback, heartbeats, the network going offline). It
 * keeps what the widget relies on from socket.io-client, with the same behaviour: the `auth`
 * of every (re)connect, events, acknowledgements with a timeout, emits buffered while
 * disconnected, reconnection with a jittered backoff of 1–5 s, no reconnection after the server
 * refused or closed the namespace, and the reserved events `connect`, `disconnect` and
 * `connect_error`. It leaves out what the widget never uses (several namespaces on one
 * connection, volatile and compressed emits, catch-all listeners, retries, connection-state
 * recovery, binary payloads): about 3 KB brotli less for every visitor.
 */
import { Socket as Engine } from 'engine.io-client';
import { Decoder, Encoder, type Packet, PacketType } from './socket-parser';

// biome-ignore lint/suspicious/noExplicitAny: listeners of any event, typed by the caller's event map
type Listener = (...args: any[]) => void;
type Ack = ((...args: unknown[]) => void) & { withError?: boolean };

/** The part of engine.io-client's Socket used here (its typings differ between its builds). */
interface EngineSocket {
  on(event: 'open' | 'data' | 'error' | 'close', listener: Listener): void;
  write(data: string): void;
  close(): void;
}
const openEngine = (uri: string, options: Record<string, unknown>): EngineSocket =>
  new (Engine as unknown as new (uri: string, options: Record<string, unknown>) => EngineSocket)(
    uri,
    options,
  );

export interface NamespaceSocketOptions {
  auth: Record<string, unknown>;
  transports: string[];
  tryAllTransports?: boolean;
}

/** socket.io-client's defaults: reconnectionDelay, reconnectionDelayMax, randomizationFactor, timeout. */
const RECONNECT_MIN_MS = 1_000;
const RECONNECT_MAX_MS = 5_000;
const JITTER = 0.5;
const OPEN_TIMEOUT_MS = 20_000;

export class NamespaceSocket {
  connected = false;
  auth: Record<string, unknown>;
  private engine: EngineSocket | undefined;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly acks = new Map<number, Ack>();
  private buffer: Packet[] = [];
  private nextId = 0;
  private attempts = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  /** Closed by the visitor's side, or refused or closed by the server: no more reconnects. */
  private done = false;
  private readonly encoder = new Encoder();

  constructor(
    private readonly origin: string,
    private readonly nsp: string,
    private readonly options: NamespaceSocketOptions,
  ) {
    this.auth = options.auth;
    this.open();
  }

  on(event: string, listener: Listener): this {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener);
    this.listeners.set(event, set);
    return this;
  }

  /** Emits an event; a function as the last argument receives the server's acknowledgement. */
  emit(event: string, ...args: unknown[]): this {
    const ack = typeof args.at(-1) === 'function' ? (args.pop() as Ack) : undefined;
    const packet: Packet = { type: PacketType.EVENT, nsp: this.nsp, data: [event, ...args] };
    if (ack) {
      packet.id = this.nextId++;
      this.acks.set(packet.id, ack);
    }
    if (this.connected) this.write(packet);
    else this.buffer.push(packet);
    return this;
  }

  /** `timeout(ms).emit(event, ...args, (err, reply) => …)`: err once no acknowledgement came in time. */
  timeout(ms: number): { emit(event: string, ...args: unknown[]): void } {
    return {
      emit: (event, ...args) => {
        const callback = args.pop() as (err: Error | null, ...reply: unknown[]) => void;
        const id = this.nextId;
        const timer = setTimeout(() => {
          this.acks.delete(id);
          this.buffer = this.buffer.filter((packet) => packet.id !== id);
          callback(new Error('operation has timed out'));
        }, ms);
        const ack: Ack = (...reply) => {
          clearTimeout(timer);
          callback(...(reply as [Error | null, ...unknown[]]));
        };
        ack.withError = true;
        this.emit(event, ...args, ack);
      },
    };
  }

  disconnect(): void {
    if (this.connected) this.write({ type: PacketType.DISCONNECT, nsp: this.nsp });
    const wasConnected = this.connected;
    this.stop();
    if (wasConnected) this.onDisconnect('io client disconnect');
  }

  private dispatch(event: string, ...args: unknown[]) {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(...args);
  }

  private write(packet: Packet) {
    for (const encoded of this.encoder.encode(packet)) this.engine?.write(encoded);
  }

  private open() {
    const engine = openEngine(this.origin, {
      path: '/socket.io',
      transports: this.options.transports,
      tryAllTransports: this.options.tryAllTransports,
    });
    this.engine = engine;
    let opened = false;
    const decoder = new Decoder();
    decoder.on('decoded', (packet) => this.onPacket(packet));
    const openTimer = setTimeout(() => {
      this.dispatch('connect_error', new Error('timeout'));
      engine.close();
    }, OPEN_TIMEOUT_MS);
    engine.on('open', () => {
      clearTimeout(openTimer);
      opened = true;
      this.write({ type: PacketType.CONNECT, nsp: this.nsp, data: this.auth });
    });
    engine.on('data', (data) => {
      try {
        decoder.add(data);
      } catch {
        engine.close(); // a packet it cannot read: reconnect rather than guess
      }
    });
    engine.on('error', (err) => {
      if (!this.connected && this.engine === engine) this.dispatch('connect_error', err);
    });
    engine.on('close', (reason) => {
      clearTimeout(openTimer);
      if (this.engine !== engine) return; // stopped on purpose: already handled
      this.engine = undefined;
      if (opened) this.onDisconnect(reason);
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect() {
    if (this.done) return;
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.attempts++);
    const delay = Math.min(RECONNECT_MAX_MS, base * (1 + JITTER * (2 * Math.random() - 1)));
    this.reconnectTimer = setTimeout(() => this.open(), delay);
  }

  /** No more reconnects; closes the connection without reporting it. */
  private stop() {
    this.done = true;
    clearTimeout(this.reconnectTimer);
    const engine = this.engine;
    this.engine = undefined;
    engine?.close();
  }

  private onDisconnect(reason: string) {
    this.connected = false;
    this.dispatch('disconnect', reason);
    // Acknowledgements that can no longer come fail now, except those of emits still buffered.
    for (const [id, ack] of this.acks) {
      if (this.buffer.some((packet) => packet.id === id)) continue;
      this.acks.delete(id);
      if (ack.withError) ack(new Error('socket has been disconnected'));
    }
  }

  private onPacket(packet: Packet) {
    if (packet.nsp !== this.nsp) return;
    const data = packet.data as Record<string, unknown> & unknown[];
    switch (packet.type) {
      case PacketType.CONNECT: {
        this.connected = true;
        this.attempts = 0;
        for (const buffered of this.buffer.splice(0)) this.write(buffered);
        this.dispatch('connect');
        break;
      }
      case PacketType.EVENT: {
        const [event, ...args] = data as unknown as [string, ...unknown[]];
        const { id } = packet;
        if (id !== undefined) {
          let sent = false;
          args.push((...reply: unknown[]) => {
            if (sent) return;
            sent = true;
            this.write({ type: PacketType.ACK, nsp: this.nsp, id, data: reply });
          });
        }
        this.dispatch(event, ...args);
        break;
      }
      case PacketType.ACK: {
        const ack = this.acks.get(packet.id ?? -1);
        if (!ack) return;
        this.acks.delete(packet.id ?? -1);
        if (ack.withError) ack(null, ...data);
        else ack(...data);
        break;
      }
      case PacketType.DISCONNECT: {
        this.stop();
        this.onDisconnect('io server disconnect');
        break;
      }
      case PacketType.CONNECT_ERROR: {
        // Refused by the server's middleware (e.g. `unauthorized`): as socket.io-client, no retry.
        this.stop();
        const error = Object.assign(new Error(String(data.message)), { data: data.data });
        this.dispatch('connect_error', error);
        break;
      }
    }
  }
}

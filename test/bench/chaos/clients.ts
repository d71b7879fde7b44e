/**
 * Chaos clients: real socket.io-client visitors and agents that behave as the widget and the
 * agent desktop do. Each send goes through an outbox that keeps the message, with its
 * clientId, until the server acknowledges it, retrying across disconnects; each (re)connect
 * catches up with `messages:sync` from the last index held without a gap.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  AgentChatDTO,
  AgentSyncReply,
  MessageDTO,
  OfferDTO,
  SentAck,
  SyncReply,
} from '../../../server/protocol.ts';
import { ChannelView } from './channel-view.ts';

const ACK_TIMEOUT_MS = 4000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type Reply<T> = T | { error: { code: string; message: string } };
const isError = <T>(reply: Reply<T>): reply is { error: { code: string; message: string } } =>
  typeof reply === 'object' && reply !== null && 'error' in reply;

export interface ClientStats {
  enqueued: number;
  acked: number;
  attempts: number;
  ackTimeouts: number;
  /** Retries the server answered with the message an earlier, unacknowledged attempt stored. */
  deduplicated: number;
  ackErrors: Record<string, number>;
  syncs: number;
  reconnects: number;
}

interface Pending {
  clientId: string;
  channelSid: string;
  body: string;
}

export interface Acked {
  clientId: string;
  channelSid: string;
  body: string;
  sid: string;
  index: number;
}

abstract class ChaosClient {
  protected abstract readonly role: 'customer' | 'agent';
  protected socket: Socket;
  readonly views = new Map<string, ChannelView>();
  readonly acked: Acked[] = [];
  readonly outbox: Pending[] = [];
  readonly stats: ClientStats = {
    enqueued: 0,
    acked: 0,
    attempts: 0,
    ackTimeouts: 0,
    deduplicated: 0,
    ackErrors: {},
    syncs: 0,
    reconnects: 0,
  };
  private ready = false;
  private stopped = false;
  private counter = 0;
  private readonly resyncing = new Set<string>();

  constructor(
    readonly name: string,
    url: string,
    namespace: string,
    token: string,
  ) {
    this.socket = io(`${url}${namespace}`, {
      auth: { token },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 50,
      reconnectionDelayMax: 400,
      extraHeaders: { origin: url },
    });
    this.socket.on('connect', () => void this.onConnect());
    this.socket.on('disconnect', () => {
      this.ready = false;
      this.stats.reconnects++;
    });
    // A refused handshake (e.g. the server still starting) is not retried by socket.io itself.
    this.socket.on('connect_error', () => {
      if (!this.socket.active && !this.stopped) setTimeout(() => this.socket.connect(), 100);
    });
    this.socket.on('message:new', (message: MessageDTO) => this.merge(message));
  }

  /** Everything to do on a (re)connect before sends resume. */
  protected abstract resume(): Promise<void>;

  private async onConnect() {
    // A resume that failed on a connection still up (an answer slower than the ack timeout on
    // a busy machine) is tried again; one that failed because the connection dropped waits
    // for the next connect.
    while (this.socket.connected) {
      try {
        await this.resume();
        this.ready = this.socket.connected;
        return;
      } catch {
        await sleep(100);
      }
    }
  }

  protected view(channelSid: string): ChannelView {
    let view = this.views.get(channelSid);
    if (!view) {
      view = new ChannelView(channelSid);
      this.views.set(channelSid, view);
    }
    return view;
  }

  protected merge(message: MessageDTO) {
    const view = this.views.get(message.channelSid);
    if (view?.add(message)) void this.resync(message.channelSid);
  }

  /** Catches a channel's view up from its last gapless index, page by page. */
  protected async sync(channelSid: string) {
    const view = this.view(channelSid);
    for (;;) {
      this.stats.syncs++;
      const reply = await this.call<SyncReply>(
        'messages:sync',
        this.syncRequest(channelSid, view.contiguous),
      );
      if (isError(reply)) throw new Error(`${this.name}: sync refused: ${reply.error.message}`);
      for (const message of reply.messages) view.add(message);
      if (view.contiguous >= reply.channel.lastMessageIndex || reply.messages.length === 0) return;
    }
  }

  protected abstract syncRequest(channelSid: string, afterIndex: number): Record<string, unknown>;

  private async resync(channelSid: string) {
    if (this.resyncing.has(channelSid) || !this.socket.connected) return;
    this.resyncing.add(channelSid);
    try {
      await this.sync(channelSid);
    } catch {
      // Disconnected: the reconnect syncs anyway.
    } finally {
      this.resyncing.delete(channelSid);
    }
  }

  protected call<T>(event: string, payload: unknown): Promise<Reply<T>> {
    return this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload) as Promise<Reply<T>>;
  }

  enqueue(channelSid: string) {
    const n = this.counter++;
    this.outbox.push({ clientId: `${this.name}-${n}`, channelSid, body: `${this.name} says #${n}` });
    this.stats.enqueued++;
  }

  /** Sends the outbox, oldest first, each until acknowledged; returns once stopped and empty. */
  async pump() {
    while (!this.stopped || this.outbox.length > 0) {
      const item = this.outbox[0];
      if (!item || !this.ready) {
        if (this.stopped && !this.socket.active) return;
        await sleep(10);
        continue;
      }
      this.stats.attempts++;
      let reply: Reply<SentAck>;
      try {
        reply = await this.call<SentAck>('message:send', this.sendRequest(item));
      } catch {
        this.stats.ackTimeouts++;
        continue;
      }
      if (isError(reply)) {
        this.stats.ackErrors[reply.error.code] = (this.stats.ackErrors[reply.error.code] ?? 0) + 1;
        await sleep(100);
        continue;
      }
      this.outbox.shift();
      this.stats.acked++;
      // The stored original comes back only for a clientId an earlier attempt stored.
      if (reply.message) this.stats.deduplicated++;
      const { sid, index, dateCreated } = reply;
      this.acked.push({ ...item, sid, index });
      this.merge(reply.message ?? this.written(item, { sid, index, dateCreated }));
    }
  }

  protected abstract sendRequest(item: Pending): Record<string, unknown>;

  /**
   * A message this client wrote, from its ack, as the view holds it. The view compares sid and
   * index only; the client's name stands in for the author it does not look up.
   */
  private written(item: Pending, stored: Pick<MessageDTO, 'sid' | 'index' | 'dateCreated'>): MessageDTO {
    const { clientId, channelSid, body } = item;
    const { name, role: authorRole } = this;
    return {
      ...stored,
      clientId,
      channelSid,
      body,
      attributes: {},
      from: name,
      authorRole,
      authorName: name,
    };
  }

  /** No more new messages; `pump` still drains what is queued. */
  finish() {
    this.stopped = true;
  }

  close() {
    this.stopped = true;
    this.socket.close();
  }
}

export class ChaosVisitor extends ChaosClient {
  protected readonly role = 'customer';
  constructor(
    name: string,
    url: string,
    token: string,
    readonly channelSid: string,
  ) {
    super(name, url, '/webchat', token);
    this.view(channelSid);
  }

  protected async resume() {
    await this.sync(this.channelSid);
  }

  protected syncRequest(_channelSid: string, afterIndex: number) {
    return { afterIndex };
  }

  protected sendRequest(item: Pending) {
    return { clientId: item.clientId, body: item.body };
  }

  say() {
    this.enqueue(this.channelSid);
  }
}

export class ChaosAgent extends ChaosClient {
  protected readonly role = 'agent';
  constructor(name: string, url: string, token: string) {
    super(name, url, '/agent', token);
    this.socket.on('offer:new', (offer: OfferDTO) => void this.accept(offer.reservation.sid));
    this.socket.on('chat:updated', (chat: AgentChatDTO) => void this.hold(chat.channel.sid));
  }

  protected async resume() {
    const reply = await this.call<AgentSyncReply>('session:sync', {});
    if (isError(reply)) throw new Error(`${this.name}: session refused: ${reply.error.message}`);
    for (const offer of reply.offers) void this.accept(offer.reservation.sid);
    for (const chat of reply.chats) await this.sync(chat.channel.sid);
    for (const sid of this.views.keys()) await this.sync(sid);
  }

  private async accept(reservationSid: string) {
    try {
      const reply = await this.call<AgentChatDTO>('reservation:accept', { reservationSid });
      if (!isError(reply)) await this.hold(reply.channel.sid);
    } catch {
      // Lost with the connection: session:sync offers it again if it is still pending.
    }
  }

  private async hold(channelSid: string) {
    if (this.views.has(channelSid)) return;
    this.view(channelSid);
    try {
      await this.sync(channelSid);
    } catch {
      // The reconnect syncs every held channel.
    }
  }

  protected syncRequest(channelSid: string, afterIndex: number) {
    return { channelSid, afterIndex };
  }

  protected sendRequest(item: Pending) {
    return { channelSid: item.channelSid, clientId: item.clientId, body: item.body };
  }

  /** Replies in one of the chats it holds, if any. */
  say(random: () => number) {
    const held = [...this.views.keys()];
    const channelSid = held[Math.floor(random() * held.length)];
    if (channelSid) this.enqueue(channelSid);
  }
}

/**
 * Whispers: notes staff write on a chat for each other — the agent holding it and any
 * supervisor (watching or joined). A whisper is stored in its own table and announced as
 * `whisper.created`, which only the agent namespace publishes: it never becomes a message,
 * so no path that serves the customer (sync, history, transcripts, email, SMS connectors,
 * webhooks) can carry it.
 */
import { forbidden, notFound } from '../errors.ts';
import type { WhisperDTO } from '../protocol.ts';
import type { Store } from '../store/types.ts';
import type { EventBus } from './events.ts';
import { isSupervisor } from './routing/supervision.ts';

/** How many whispers a chat's staff load with it: the newest ones. */
export const WHISPERS_LOADED = 500;

export interface WhispersDeps {
  store: Store;
  events: EventBus;
}

export type Whispers = ReturnType<typeof createWhispers>;

export function createWhispers({ store, events }: WhispersDeps) {
  /** The worker, when it may read the channel's whispers: it holds the chat, or supervises. */
  async function staffOf(workerSid: string, channelSid: string) {
    const [worker, channel, held] = await Promise.all([
      store.workers.get(workerSid),
      store.channels.get(channelSid),
      store.tasks.list({ workerSid, channelSid }),
    ]);
    if (!channel) throw notFound('Channel', channelSid);
    const holds = held.some((t) => t.status === 'assigned' || t.status === 'wrapping');
    if (!worker || !(holds || isSupervisor(worker)))
      throw forbidden(
        `Channel ${channelSid} is not one of your chats, and only supervisors whisper on others`,
      );
    return worker;
  }

  return {
    /** Stores a whisper and announces it to the chat's staff; `origin` is the sender's socket. */
    async post(workerSid: string, channelSid: string, body: string, origin?: string): Promise<WhisperDTO> {
      const worker = await staffOf(workerSid, channelSid);
      const whisper = await store.whispers.create({
        channelSid,
        workerSid,
        authorName: worker.friendlyName,
        body,
      });
      events.emit('whisper.created', whisper, origin);
      return whisper;
    },

    /** The chat's newest whispers, oldest first. */
    async list(workerSid: string, channelSid: string): Promise<WhisperDTO[]> {
      await staffOf(workerSid, channelSid);
      return store.whispers.list(channelSid, WHISPERS_LOADED);
    },
  };
}

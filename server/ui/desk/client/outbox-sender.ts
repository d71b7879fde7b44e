/**
 * Sends the outbox: each pending message with the clientId it was given when written, so a
 * retry after a lost ack is recognised by the server instead of stored twice. A message is
 * only ever in flight once; whatever is left is sent again on the next flush.
 */
import { messageFromAck } from '../../../../widget/state/sent-message.ts';
import type { MessageDTO, Sid } from '../../../protocol.ts';
import type { DeskState } from '../state/desk-state.ts';
import { dequeueMessage } from '../state/desk-updates.ts';
import { ownAuthor } from '../state/selectors.ts';
import type { Store } from '../state/store.ts';
import { type AgentSocket, RequestError, request } from './agent-socket.ts';

/** A send whose ack got lost while still connected is tried again after this long. */
const RETRY_MS = 3_000;

export interface OutboxSender {
  flush(): void;
  /** The connection dropped: acks still awaited will never come. */
  reset(): void;
}

export interface OutboxSenderOptions {
  socket: AgentSocket;
  store: Store<DeskState>;
  onStored(channelSid: Sid, message: MessageDTO): void;
  /** The server refused the message for good (e.g. the chat has ended). */
  onRefused(error: RequestError): void;
}

export function createOutboxSender({
  socket,
  store,
  onStored,
  onRefused,
}: OutboxSenderOptions): OutboxSender {
  const inFlight = new Set<string>();
  let retry: ReturnType<typeof setTimeout> | undefined;

  function flush(): void {
    for (const sent of store.get().outbox) {
      const { clientId, channelSid, body, attributes } = sent;
      if (inFlight.has(clientId) || !socket.connected) continue;
      inFlight.add(clientId);
      request(socket, 'message:send', { channelSid, clientId, body, ...(attributes && { attributes }) })
        // The ack names the stored message; the rest is what was sent, by this worker.
        .then((ack) => onStored(channelSid, messageFromAck(sent, ack, ownAuthor(store.get(), channelSid))))
        .catch((error: unknown) => {
          if (error instanceof RequestError) {
            store.update(dequeueMessage(clientId));
            onRefused(error);
          } else if (socket.connected) {
            clearTimeout(retry);
            retry = setTimeout(flush, RETRY_MS);
          }
        })
        .finally(() => inFlight.delete(clientId));
    }
  }

  return {
    flush,
    reset() {
      clearTimeout(retry);
      inFlight.clear();
    },
  };
}

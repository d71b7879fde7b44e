/**
 * Messaging channels beyond webchat, wired: proxy sessions, inbound messages, outbound
 * delivery through a connector, and outbound conversations (Interactions).
 */

import type { Clock } from '../../ids.ts';
import type { Logger } from '../../logger.ts';
import type { Store } from '../../store/types.ts';
import type { Conversations } from '../conversations.ts';
import type { EventBus } from '../events.ts';
import type { MediaLinks } from '../media-links.ts';
import type { Routing } from '../routing/index.ts';
import { isOutbound } from './channel-flow.ts';
import { createHttpConnector, type MessagingConnectorClient } from './connector.ts';
import { createDelivery } from './delivery.ts';
import { createInbound } from './inbound.ts';
import { createInteractions } from './interactions.ts';
import { createProxySessions } from './sessions.ts';

export interface MessagingDeps {
  store: Store;
  events: EventBus;
  conversations: Conversations;
  routing: Routing;
  clock: Clock;
  log: Logger;
  publicUrl: () => string | null;
  mediaLinks: MediaLinks;
  track: (work: Promise<unknown>) => void;
  connector?: MessagingConnectorClient;
}

export type Messaging = ReturnType<typeof createMessaging>;

export function createMessaging(deps: MessagingDeps) {
  const { store, events, conversations, log, publicUrl, track } = deps;
  const sessions = createProxySessions({ store, conversations });
  const inbound = createInbound({ conversations, sessions });
  const delivery = createDelivery({
    store,
    events,
    log,
    publicUrl,
    mediaLinks: deps.mediaLinks,
    connector: deps.connector ?? createHttpConnector({ log }),
  });
  events.on('message.created', (message) => {
    if (isOutbound(message)) track(delivery.onMessage(message));
  });
  events.on('channel.closed', (channel) => track(sessions.closeForChannel(channel.sid)));
  const interactions = createInteractions({
    store,
    conversations,
    routing: deps.routing,
    sessions,
    clock: deps.clock,
  });
  return { sessions, inbound, delivery, interactions, publicUrl };
}

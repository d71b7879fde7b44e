/**
 * The core of Parley, wired from its parts. It knows no transport: HTTP and Socket.IO call
 * these services and publish the events they emit.
 */

import { type Clock, systemClock } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { Activity } from '../protocol.ts';
import type { FileStorage } from '../store/files/types.ts';
import type { Store } from '../store/types.ts';
import { createAgents } from './agents.ts';
import { BOT_RECOVER_KIND, BOT_TIMEOUT_KIND, type BotRunner, createBotRunner } from './bot/runner.ts';
import { createChannelAdmin } from './channel-admin.ts';
import { createConversations } from './conversations.ts';
import { createEgressPolicy, type EgressOptions } from './egress.ts';
import { createEmail, type EmailOptions } from './email/index.ts';
import { EventBus } from './events.ts';
import { createExternalIntegration } from './external.ts';
import { createFigures } from './figures.ts';
import { createFlexFlows, type FlexFlows } from './flex-flows.ts';
import { createMediaService, type MediaLimits } from './media.ts';
import { createMediaLinks } from './media-links.ts';
import { createPrivacy } from './privacy.ts';
import type { MessagingConnectorClient } from './proxy/connector.ts';
import { createMessaging } from './proxy/index.ts';
import { createMemoryCounter, type RateCounter } from './rate-counter.ts';
import { createRetention, RETENTION_KIND } from './retention.ts';
import { createRouting } from './routing/index.ts';
import { createSupervision } from './routing/supervision.ts';
import type { SignInBackoffOptions } from './sign-in-backoff.ts';
import { createTimerScheduler } from './timers.ts';
import { createTokens } from './tokens.ts';
import { createWebChannels } from './web-channels.ts';
import type { DeliveryPolicy } from './webhook-delivery.ts';
import { createWebhooks, type WebhookOptions } from './webhooks.ts';
import { createWhispers } from './whispers.ts';

export type { Logger };

export interface CoreOptions {
  store: Store;
  secret: string;
  log: Logger;
  clock?: Clock;
  reservationTimeoutSeconds?: number;
  /** Activity a worker whose offer timed out is given (default Unavailable); null keeps it. */
  reservationTimeoutActivity?: Activity | null;
  /** TTL of a task nobody takes (default 86400 s). */
  taskTimeoutSeconds?: number;
  /** An agent desktop disconnected this long sets its worker Offline (default 60 s). */
  agentDisconnectGraceSeconds?: number;
  /** Event webhooks: signed JSON POSTs of task, reservation, channel and message events. */
  webhook?: WebhookOptions;
  /** Retries and backoff of managed webhooks' deliveries (default 3 retries from 500 ms). */
  webhookRetry?: Partial<DeliveryPolicy>;
  timerIntervalMs?: number;
  /** Delete conversations idle longer than this many days (none when unset). */
  retentionDays?: number;
  /** A visitor session's absolute lifetime in days (default 30); fractions allowed for tests. */
  sessionMaxDays?: number;
  /** Where uploaded files' bytes are kept (disk, PostgreSQL or S3); without it uploads are refused. */
  files?: FileStorage;
  /** Upload limits: the largest file, and files and bytes per conversation. */
  mediaLimits?: MediaLimits;
  /** Parley's public URL behind a proxy (signatures and status callbacks); else the listen URL. */
  publicUrl?: string;
  /** How replies reach SMS / WhatsApp-style providers (default: the Twilio-shaped HTTP connector). */
  messagingConnector?: MessagingConnectorClient;
  /** Per-account sign-in backoff (failures per username before a lock, lock lengths). */
  signInBackoff?: Partial<SignInBackoffOptions>;
  /** Where bot HTTP requests, the external integration and webhooks may go (PARLEY_HTTP_ALLOW). */
  egress?: EgressOptions;
  /** Local functions that bot flows' run-function calls (PARLEY_FUNCTIONS_DIR). */
  functionsDir?: string;
  /** Where rate limits count (Redis with several nodes); in memory by default. */
  counter?: RateCounter;
  /** Email: SMTP for replies (PARLEY_SMTP_URL/_FROM), the receiver, the inbound webhook's key. */
  email?: EmailOptions;
}

export type Core = ReturnType<typeof createCore>;

export function createCore({
  store,
  secret,
  log,
  clock = systemClock,
  reservationTimeoutSeconds = 30,
  reservationTimeoutActivity = 'Unavailable',
  taskTimeoutSeconds = 86_400,
  agentDisconnectGraceSeconds = 60,
  webhook,
  webhookRetry,
  egress: egressOptions,
  functionsDir,
  timerIntervalMs,
  retentionDays,
  sessionMaxDays,
  files,
  mediaLimits,
  publicUrl,
  messagingConnector,
  counter = createMemoryCounter(),
  signInBackoff,
  email: emailOptions,
}: CoreOptions) {
  const events = new EventBus();
  // Work in flight is counted, not kept: every socket event is tracked, and a count costs it no
  // closure and no set entry. Whoever waits for none is told when the count falls to zero.
  let running = 0;
  const whenIdle: (() => void)[] = [];
  const finished = () => {
    if (--running === 0) for (const resume of whenIdle.splice(0)) resume();
  };
  const onError = (err: unknown) => log.error({ err }, 'background work failed');
  const failed = (err: unknown) => {
    onError(err);
    finished();
  };
  const settled = () =>
    running === 0 ? Promise.resolve() : new Promise<void>((resume) => whenIdle.push(resume));

  /** Work that outlives the request that started it; shutdown waits for it. */
  function track(work: Promise<unknown>) {
    running++;
    work.then(finished, failed);
  }

  let flexFlows: FlexFlows;
  let bot: BotRunner;
  const conversations = createConversations({
    store,
    events,
    onCustomerMessage: (channel, message) => track(flexFlows.onCustomerMessage(channel, message)),
  });
  const routing = createRouting({
    store,
    events,
    clock,
    conversations,
    reservationTimeoutSeconds,
    reservationTimeoutActivity,
    taskTimeoutSeconds,
    agentDisconnectGraceSeconds,
    onError,
    track,
    endBot: (channelSid, reason) => bot.endForChannel(channelSid, reason),
  });
  let baseUrl: string | null = null;
  const egress = createEgressPolicy(egressOptions);
  bot = createBotRunner({
    store,
    conversations,
    routing,
    clock,
    log,
    baseUrl: () => baseUrl,
    egress,
    functionsDir,
  });
  flexFlows = createFlexFlows({
    store,
    routing,
    bot,
    external: createExternalIntegration({ log, egress }),
  });
  const webhooks = createWebhooks({
    store,
    events,
    log,
    clock,
    egress,
    track,
    configured: webhook,
    retry: webhookRetry,
  });
  const channelAdmin = createChannelAdmin({ store, events, conversations, routing, bot: () => bot });
  const tokens = createTokens(secret, clock, {
    ...(sessionMaxDays !== undefined && { sessionMaxSeconds: Math.round(sessionMaxDays * 86_400) }),
  });
  const media = createMediaService({ store, files, limits: mediaLimits, clock });
  const mediaLinks = createMediaLinks(secret, clock);
  const privacy = createPrivacy({ store, events, media });
  const retention = createRetention({ store, clock, log, days: retentionDays, media });
  const agents = createAgents({ store, tokens, events, routing, clock, signInBackoff });
  const messaging = createMessaging({
    store,
    events,
    conversations,
    routing,
    clock,
    log,
    track,
    publicUrl: () => publicUrl?.replace(/\/+$/, '') ?? baseUrl,
    mediaLinks,
    connector: messagingConnector,
  });
  const email = createEmail({ store, events, conversations, routing, log, track }, emailOptions);
  const webChannels = createWebChannels({
    store,
    conversations,
    routing,
    tokens,
    clock,
    log,
    offlineByEmail: email.offline.leave,
  });
  const timers = createTimerScheduler({
    store,
    clock,
    intervalMs: timerIntervalMs,
    handlers: {
      ...routing.timerHandlers,
      [BOT_TIMEOUT_KIND]: (ref) => bot.onTimeout(ref),
      [BOT_RECOVER_KIND]: (ref) => bot.onRecoverTimer(ref),
      [RETENTION_KIND]: () => retention.onTimer(),
    },
    onError: (err, timer) => log.error({ err, timer }, 'timer failed'),
  });

  return {
    store,
    events,
    conversations,
    routing,
    /** Supervisors joining and leaving live chats. */
    supervision: createSupervision({ store, conversations }),
    /** Supervisors' figures over the last hours, from stored task events. */
    figures: createFigures({ store, clock }),
    /** Staff-only notes on chats. */
    whispers: createWhispers({ store, events }),
    flexFlows,
    channelAdmin,
    bot,
    tokens,
    agents,
    webChannels,
    media,
    mediaLinks,
    privacy,
    retention,
    webhooks,
    messaging,
    email,
    counter,
    /** PARLEY_PUBLIC_URL, when set: what `self` origins and signed webhooks are checked against. */
    publicUrl,
    /** PARLEY_FUNCTIONS_DIR: flow validation checks that the Functions a flow calls are there. */
    functionsDir,
    track,
    /** Where this server is reachable; bot flows resolve relative URLs against it. */
    setBaseUrl(url: string) {
      baseUrl = url;
    },
    start() {
      timers.start();
      track(retention.start());
      // Deliveries of a webhook deleted meanwhile, or of a PARLEY_WEBHOOK_URL since removed.
      track(webhooks.forgetOrphans());
      track(routing.dispatch());
      track(bot.recover());
    },
    /** Resolves when no background work is running (tests and shutdown). */
    idle: settled,
    async stop() {
      await timers.stop();
      await email.stopReceiving();
      await settled();
      email.close();
    },
  };
}

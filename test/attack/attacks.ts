/**
 * Every attack of the suite, one or more per finding of the threat model (docs/security.md),
 * in the order they run. Each runs as an attacker would against a running server; the suite
 * watches memory, `/healthz`, the event loop and CPU around it and decides.
 */
import { deletedAgent, demotedSupervisor, passwordGuessing } from './agents.ts';
import { privateDestination, regexBacktracking, urlPathEscape } from './bots.ts';
import {
  connectionFlood,
  eventFlood,
  hostileOrigin,
  slowloris,
  syncFloodParallel,
  syncFloodUnread,
} from './floods.ts';
import {
  crossFlexFlowTakeover,
  endlessRefresh,
  erasedContactToken,
  offlineWithoutProof,
} from './identity.ts';
import { keyGuessing, mainNamespace, unknownEventFlood } from './surfaces.ts';
import type { Attack } from './tools.ts';
import { uploadsAfterEnd, uploadsAtLimit, uploadsOverQuota, uploadsOverRate } from './uploads.ts';
import { webhookAbuse } from './webhooks.ts';

export const ATTACKS = [
  hostileOrigin,
  // First of those that route chats: its agent must be offered its own chat, none left waiting.
  eventFlood,
  syncFloodUnread,
  syncFloodParallel,
  crossFlexFlowTakeover,
  uploadsAtLimit,
  uploadsOverRate,
  uploadsOverQuota,
  uploadsAfterEnd,
  regexBacktracking,
  deletedAgent,
  demotedSupervisor,
  urlPathEscape,
  webhookAbuse,
  erasedContactToken,
  offlineWithoutProof,
  passwordGuessing,
  endlessRefresh,
  connectionFlood,
  slowloris,
  unknownEventFlood,
  mainNamespace,
  keyGuessing,
  privateDestination,
] as Attack[];

/**
 * The store as core services see it: records (records.ts) and repository interfaces
 * (repositories.ts), gathered into `Store`. Every engine (SQLite by default, PostgreSQL for
 * several nodes) implements it.
 */

import type { ActivityRepository } from './activities.ts';
import type { ApiKeyRepository } from './api-keys.ts';
import type { AuditRepository } from './audit-events.ts';
import type { CannedResponseRepository } from './canned-responses.ts';
import type { ConversationSearchRepository } from './conversation-search.ts';
import type { RatingRepository } from './ratings.ts';
import type {
  ChannelRepository,
  ContactRepository,
  ExecutionRepository,
  FlexFlowRepository,
  FlowRepository,
  MediaRepository,
  MemberRepository,
  MessageRepository,
  PrivacyRepository,
  ProxySessionRepository,
  ReservationRepository,
  TaskQueueRepository,
  TaskRepository,
  TimerRepository,
  WorkerRepository,
  WorkflowRepository,
} from './repositories.ts';
import type { SettingsRepository } from './settings.ts';
import type { TaskEventRepository } from './task-events.ts';
import type { VisitorHistoryRepository } from './visitor-history.ts';
import type { WebhookRepository } from './webhooks.ts';
import type { WhisperRepository } from './whispers.ts';

export type * from './activities.ts';
export type * from './api-keys.ts';
export type * from './audit-events.ts';
export type * from './canned-responses.ts';
export type * from './conversation-search.ts';
export type * from './ratings.ts';
export type * from './records.ts';
export type * from './repositories.ts';
export type * from './settings.ts';
export type * from './task-events.ts';
export type * from './webhooks.ts';
export type * from './whispers.ts';

export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  contacts: ContactRepository;
  channels: ChannelRepository;
  members: MemberRepository;
  messages: MessageRepository;
  flexFlows: FlexFlowRepository;
  workers: WorkerRepository;
  queues: TaskQueueRepository;
  workflows: WorkflowRepository;
  tasks: TaskRepository;
  reservations: ReservationRepository;
  timers: TimerRepository;
  flows: FlowRepository;
  executions: ExecutionRepository;
  proxySessions: ProxySessionRepository;
  /** Media records: what each stored file is and which channel holds it. */
  media: MediaRepository;
  /** Privacy requests and retention (engines without it answer 501 to them). */
  privacy?: PrivacyRepository;
  /** The admin audit log: every change made through the admin API. */
  audit: AuditRepository;
  /** Credentials for automation, each revocable alone. */
  apiKeys: ApiKeyRepository;
  /** Activities defined beside the three built-ins (Break, Training…). */
  activities: ActivityRepository;
  /** Saved replies agents insert by shortcut: shared ones and each agent's own. */
  cannedResponses: CannedResponseRepository;
  /** Visitors' ratings of ended chats, one per task. */
  ratings: RatingRepository;
  /** A returning visitor's earlier conversations on a Flex Flow. */
  visitorHistory: VisitorHistoryRepository;
  conversationSearch: ConversationSearchRepository;
  /** Managed event webhooks and their recorded deliveries. */
  webhooks: WebhookRepository;
  /** Settings an admin edits at run time (retention), shared by every node. */
  settings: SettingsRepository;
  /** Every step of every task and every activity change: what supervisors' figures are computed from. */
  taskEvents: TaskEventRepository;
  /** Staff-only notes on a chat, apart from its messages. */
  whispers: WhisperRepository;
  /** True when nothing has been created yet: demo data may be seeded. */
  isEmpty(): Promise<boolean>;
  /** True for exactly one caller per key, ever (e.g. the node that seeds the demo data). */
  claimOnce(key: string): Promise<boolean>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

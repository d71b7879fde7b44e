/**
 * The wire contract between Parley's server, the widget and the agent desktop.
 * Types only: every side does `import type` from here, so a renamed field breaks the build.
 *
 * Socket.IO namespaces:
 * - `/webchat`: a visitor; handshake `auth: { token }` from `POST /v1/WebChannels`.
 * - `/agent`: a worker; handshake `auth: { token }` from `POST /v1/AgentSessions`.
 * Every request event takes an ack callback answered with `Ack<T>`.
 */

export type Sid = string;
export type IsoDate = string;

// ── DTOs ──────────────────────────────────────────────────────────────────

export type ChannelStatus = 'active' | 'inactive';
export type ChannelType = 'web' | 'sms' | 'whatsapp' | 'facebook' | 'custom' | 'email';
export type MemberRole = 'customer' | 'agent' | 'bot' | 'system';
export type Activity = 'Available' | 'Unavailable' | 'Offline';
export type TaskStatus = 'pending' | 'reserved' | 'assigned' | 'wrapping' | 'completed' | 'canceled';
export type ReservationStatus =
  | 'pending'
  | 'accepted'
  | 'rejected'
  | 'timeout'
  | 'canceled'
  | 'rescinded'
  | 'completed';
export type IntegrationType = 'studio' | 'task' | 'external';

export interface ChannelAttributes {
  /** The customer's friendly name. */
  from: string;
  channelType: ChannelType;
  preEngagementData?: Record<string, string>;
  taskSid?: Sid | null;
  pageUrl?: string;
  userAgent?: string;
  [key: string]: unknown;
}

export interface ChannelDTO {
  sid: Sid;
  flexFlowSid: Sid;
  contactSid: Sid;
  friendlyName: string;
  status: ChannelStatus;
  attributes: ChannelAttributes;
  /** Index of the newest message, -1 when there is none. */
  lastMessageIndex: number;
  dateCreated: IsoDate;
  dateUpdated: IsoDate;
}

export interface MessageDTO {
  sid: Sid;
  channelSid: Sid;
  /** Gapless per channel, from 0. */
  index: number;
  /** Identity of the member who wrote it. */
  from: string;
  authorRole: MemberRole;
  authorName: string;
  body: string;
  attributes: Record<string, unknown>;
  clientId: string | null;
  dateCreated: IsoDate;
}

export interface MemberDTO {
  sid: Sid;
  channelSid: Sid;
  identity: string;
  role: MemberRole;
  friendlyName: string;
  /** Last message index this member has read, -1 for none. */
  lastReadIndex: number;
  dateCreated: IsoDate;
}

export interface ContactDTO {
  sid: Sid;
  identity: string;
  friendlyName: string;
  address: string | null;
  attributes: Record<string, unknown>;
  dateCreated: IsoDate;
}

/**
 * Where a privacy lookup matched a contact, the most trustworthy place first: its identity (or
 * an email a Flex Flow verified), the address an SMS, WhatsApp or email channel received from,
 * or what someone typed into a pre-engagement or offline form, which nobody checked.
 */
export type ContactMatchedBy = 'verified identity' | 'messaging address' | 'pre-engagement form (unverified)';

/** A contact found by `GET /v1/Contacts`. */
export interface ContactMatchDTO extends ContactDTO {
  conversations: number;
  matchedBy: ContactMatchedBy;
}

export interface WorkerDTO {
  sid: Sid;
  friendlyName: string;
  username: string | null;
  /** The base activity routing reads: a custom activity's is Available or Unavailable. */
  activity: Activity;
  /** The custom activity the worker is in (`WA…`), or null in a built-in one. */
  activitySid: Sid | null;
  /** What the worker's activity is called: the custom activity's name, else `activity`. */
  activityName: string;
  capacity: number;
  attributes: Record<string, unknown>;
  /** A disabled worker cannot sign in and is offered no task. */
  disabled: boolean;
  dateCreated: IsoDate;
  dateUpdated: IsoDate;
}

export interface TaskDTO {
  sid: Sid;
  status: TaskStatus;
  channelSid: Sid;
  queueSid: Sid;
  workerSid: Sid | null;
  /** The workflow that routed it; null when there was none (the first queue took it). */
  workflowSid: Sid | null;
  priority: number;
  attributes: Record<string, unknown>;
  /** Seconds the task may wait to be assigned before it is canceled (its TTL). */
  timeout: number;
  /** Why it was canceled, completed or transferred, when someone said. */
  reason: string | null;
  /** Seconds since it was created. */
  age: number;
  dateAssigned: IsoDate | null;
  dateCreated: IsoDate;
  dateUpdated: IsoDate;
}

/** What a transferred task carries in `attributes.transfer`. */
export interface TransferInfo {
  fromWorkerSid: Sid;
  fromName: string;
  /** Where it was sent: a queue, or one named agent. */
  to: { queueSid: Sid } | { workerSid: Sid };
  note: string | null;
}

export interface ReservationDTO {
  sid: Sid;
  taskSid: Sid;
  workerSid: Sid;
  status: ReservationStatus;
  /** When a pending reservation times out. */
  expiresAt: IsoDate;
  dateCreated: IsoDate;
}

/** What an agent is shown when a chat is offered: enough to decide. */
export interface OfferDTO {
  reservation: ReservationDTO;
  task: TaskDTO;
  channel: ChannelDTO;
  customerName: string;
  /** The customer's first message, if any. */
  firstMessage: string | null;
  /** Set when another agent transferred the chat: who, and their note. */
  transfer: TransferInfo | null;
}

/** A chat an agent holds (task assigned or wrapping). */
export interface AgentChatDTO {
  task: TaskDTO;
  channel: ChannelDTO;
  contact: ContactDTO;
  members: MemberDTO[];
  /** The disposition codes its wrap-up may choose from (the Flex Flow's, else the server's). */
  dispositions: string[];
  /** While wrapping under a time limit (the Flex Flow's `integration.wrapUpSeconds`): when it completes by itself. */
  wrapUpEndsAt: IsoDate | null;
}

/** `task:wrap` / `task:complete`: the wrap-up may come with either (both fields optional). */
export interface WrapUpRequest {
  taskSid: Sid;
  /** One of the chat's `dispositions`. */
  disposition?: string;
  notes?: string;
}

/** One conversation found by `GET /v1/ConversationSearch`. */
export interface ConversationSearchResult {
  channelSid: Sid;
  customerName: string;
  /** The customer's address (phone number, email), when the channel has one. */
  address: string | null;
  channelType: ChannelType;
  status: ChannelStatus;
  /** The best matching message (newest among equals); null when only the name or address matched. */
  matchedMessage: {
    index: number;
    authorName: string;
    body: string;
    dateCreated: IsoDate;
    /** The part of `body` to show: plain text, with `[start, end)` offsets of the matched words. */
    snippet: { text: string; highlights: [number, number][] };
  } | null;
  dateCreated: IsoDate;
  dateUpdated: IsoDate;
}

export interface ConversationSearchPage {
  conversations: ConversationSearchResult[];
  meta: { query: string; page: number; pageSize: number; hasMore: boolean };
}

/** `GET /v1/Transcripts/:channelSid`: a past conversation, read-only. */
export interface TranscriptDTO {
  channel: ChannelDTO;
  customerName: string;
  messages: MessageDTO[];
  /** More messages follow: ask again with `afterIndex` of the last one. */
  hasMore: boolean;
  /** The wrap-ups of its tasks, oldest first: how each agent closed their part. */
  wrapUps: (WrapUpInfo & { taskSid: Sid; workerName: string | null })[];
  /** The customer's ratings of its tasks, oldest first. */
  ratings: (CsatInfo & { taskSid: Sid; workerName: string | null })[];
}

/** What a wrapped-up task carries in `attributes.wrapUp`. */
export interface WrapUpInfo {
  disposition: string | null;
  notes: string | null;
  workerSid: Sid;
  dateWrapped: IsoDate;
  /** True when the wrap-up time limit ran out and the task completed by itself. */
  autoCompleted?: boolean;
}

export interface FlexFlowDTO {
  sid: Sid;
  friendlyName: string;
  channelType: ChannelType;
  contactIdentity: string;
  enabled: boolean;
  integrationType: IntegrationType;
  integration: Record<string, unknown>;
  longLived: boolean;
  janitorEnabled: boolean;
  allowedOrigins: string[];
  /** What the widget is told: pre-engagement form, business hours, offline text, attachments. */
  widgetConfig: WidgetConfig;
  /** Non-web channels: where replies go out and the token that signs both ways (docs/api.md). */
  messagingConnector?: MessagingConnector | null;
  dateCreated: IsoDate;
  dateUpdated: IsoDate;
}

/** A messaging provider endpoint in the shape of Twilio's Messages API. */
export interface MessagingConnector {
  url: string;
  authToken: string;
}

/** Where an outbound message to an SMS / WhatsApp-style channel is (message attribute `deliveryStatus`). */
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'failed';

export type ProxySessionStatus = 'open' | 'closed';

export interface ProxyParticipantDTO {
  /** The customer's contact identity. */
  identity: string;
  /** The customer's address: a phone number, `whatsapp:+…`. */
  address: string;
  /** The address the customer writes to: the Flex Flow's contact identity. */
  proxyAddress: string;
}

/** Maps a customer's address on a non-web Flex Flow to a channel. */
export interface ProxySessionDTO {
  sid: Sid;
  flexFlowSid: Sid;
  channelSid: Sid;
  status: ProxySessionStatus;
  participants: ProxyParticipantDTO[];
  dateCreated: IsoDate;
  dateUpdated: IsoDate;
  dateClosed: IsoDate | null;
}

export interface PreEngagementField {
  name: string;
  label: string;
  type: 'text' | 'email' | 'select' | 'textarea';
  required?: boolean;
  /** A regular expression the answer must match. */
  pattern?: string;
  options?: string[];
  placeholder?: string;
}

export interface WidgetConfig {
  preEngagementConfig?: { description?: string; submitLabel?: string; fields: PreEngagementField[] };
  /** When chats are answered; outside them the widget offers the offline form. */
  businessHours?: {
    /** IANA time zone, e.g. `Europe/Berlin`. */
    timezone: string;
    schedule: {
      days: ('mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun')[];
      open: string;
      close: string;
    }[];
  };
  offlineMessage?: string;
  /** Shown at the top of the conversation when the widget opens, before anyone writes. */
  welcomeMessage?: string;
  /** A line under the greeting about who answers, e.g. "Ana and Luis answer on weekdays, 9–17". */
  teamLine?: string;
  /** The rating asked for once a chat an agent took ends (on unless `enabled: false`); `question` replaces "How was your chat?". */
  rating?: { enabled: boolean; question?: string };
  fileAttachment?: { enabled: boolean; maxFileSize?: number; acceptedExtensions?: string[] };
}

export type UnavailableReason = 'outside_business_hours' | 'no_agents';

/** `GET /v1/WebChannels/Config?flexFlowSid=` (public, Origin-checked). */
export interface WebChannelConfigResponse {
  flexFlowSid: Sid;
  widgetConfig: Omit<WidgetConfig, 'businessHours'>;
  /** `agentsAvailable`: some agent is Available now (a studio Flex Flow is available through its bot regardless). */
  availability: { available: boolean; reason: UnavailableReason | null; agentsAvailable?: boolean };
}

/** `POST /v1/WebChannels/OfflineMessages`: a message left while nobody answers becomes a task. */
export interface OfflineMessageRequest {
  flexFlowSid: Sid;
  name: string;
  email: string;
  body: string;
  pageUrl?: string;
  /** Required when the Flex Flow requires verified users (see identity verification). */
  identify?: IdentifyRequest;
}

/** `POST /v1/WebChannels/Ratings`: the visitor rates the ended chat their token is for. */
export interface RatingRequest {
  token: string;
  /** 1 to 5 stars. */
  score: number;
  comment?: string;
}

/** A visitor's rating of a chat (`/v1/Ratings`; on its task as `attributes.csat`). */
export interface RatingDTO {
  sid: Sid;
  taskSid: Sid;
  channelSid: Sid;
  flexFlowSid: Sid;
  contactSid: Sid;
  workerSid: Sid | null;
  score: number;
  comment: string | null;
  dateCreated: IsoDate;
}

/**
 * `POST /v1/WebChannels/History` answers a verified visitor's earlier conversations on the Flex
 * Flow, oldest first; an anonymous visitor's list is always empty.
 */
export interface VisitorHistoryResponse {
  conversations: { channelSid: Sid; dateCreated: IsoDate; messages: MessageDTO[] }[];
}

/** What a rated task carries in `attributes.csat`. */
export interface CsatInfo {
  score: number;
  comment: string | null;
}

/** One of a contact's earlier conversations, as the desk's context panel lists it. */
export interface EarlierConversationDTO {
  channelSid: Sid;
  channelType: ChannelType;
  status: ChannelStatus;
  /** An email conversation's subject; null for other channels. */
  subject: string | null;
  dateCreated: IsoDate;
  /** The agents who held its tasks, first to last. */
  agentNames: string[];
  /** The last wrap-up's disposition, if one was chosen. */
  disposition: string | null;
  /** The visitor's rating, if they gave one. */
  csat: CsatInfo | null;
}

/** `GET /v1/Channels/:channelSid/EarlierConversations`: newest first. */
export interface EarlierConversationsResponse {
  conversations: EarlierConversationDTO[];
  meta: { channelSid: Sid; contactSid: Sid; pageSize: number };
}

/** `/v1/TaskQueues`: `targetWorkers` is a TaskRouter expression over worker attributes. */
export interface TaskQueueDTO {
  sid: Sid;
  friendlyName: string;
  targetWorkers: string;
  dateCreated: IsoDate;
  dateUpdated: IsoDate;
}

/** A workflow's `configuration`, in Twilio's format. */
export interface WorkflowConfiguration {
  task_routing: {
    filters: {
      filter_friendly_name: string;
      /** Over task attributes; the first filter that matches routes the task. */
      expression: string;
      targets: {
        queue: Sid;
        /** Over the worker (bare names, `worker.`) and the task (`task.`). */
        expression?: string;
        priority?: number;
        /** Seconds in this target before the task moves to the next one. */
        timeout?: number;
      }[];
    }[];
    default_filter?: { queue: Sid };
  };
}

export interface WorkflowDTO {
  sid: Sid;
  friendlyName: string;
  configuration: WorkflowConfiguration;
  /** Seconds an offer waits for Accept before it times out. */
  taskReservationTimeout: number;
  /** The activity a worker whose offer timed out is given; null keeps it. */
  reservationTimeoutActivity: Activity | null;
  dateCreated: IsoDate;
  dateUpdated: IsoDate;
}

/** Pushed to a visitor whose task waits for an agent; `position` null once it no longer waits. */
export interface QueuePositionEvent {
  channelSid: Sid;
  taskSid: Sid;
  /** 1 is next; null when an agent took the task or it ended. */
  position: number | null;
  /** From the queue's recent waits; null while there are none to go by. */
  estimatedWaitSeconds: number | null;
}

/** A message was deleted through the Channel API; the other indexes stay as they were. */
export interface MessageRemovedEvent {
  channelSid: Sid;
  sid: Sid;
  index: number;
}

/** A member left the channel (an agent who transferred the chat, the bot). */
export interface MemberRemovedEvent {
  channelSid: Sid;
  identity: string;
  role: MemberRole;
  friendlyName: string;
}

/** `task:transfer`: exactly one of `queueSid` and `workerSid`. */
export interface TransferRequest {
  taskSid: Sid;
  queueSid?: Sid;
  workerSid?: Sid;
  note?: string;
}

/** Where an agent may transfer a chat: every queue, and the agents who could take it now. */
export interface TransferTargets {
  queues: { sid: Sid; friendlyName: string }[];
  workers: { sid: Sid; friendlyName: string; activity: Activity; load: number; capacity: number }[];
}

/** One time bucket of `GET /v1/Figures`. Waits and handle times count where they ended. */
export interface FiguresBucket {
  start: IsoDate;
  end: IsoDate;
  /** Most chats waiting at once in the bucket. */
  queueLength: number;
  /** Mean seconds from created to accepted of the chats accepted in the bucket; null when none. */
  waitAverageSeconds: number | null;
  /** Longest of those waits, or of a chat still waiting at the bucket's end so far; null when none. */
  waitMaxSeconds: number | null;
  /** New chats (transfers left out) that arrived in the bucket. */
  chats: number;
  /** `chats` scaled to an hour. */
  chatsPerHour: number;
  /** Chats accepted by an agent in the bucket. */
  answered: number;
  /** Mean seconds from accepted to completed of the chats completed in the bucket; null when none. */
  handleAverageSeconds: number | null;
  /** Mean score (1–5) of the ratings given in the bucket; null when none. */
  csatAverage: number | null;
  csatCount: number;
}

/** One stretch of an agent's status timeline. */
export interface ActivityInterval {
  activity: Activity;
  from: IsoDate;
  to: IsoDate;
}

/** `GET /v1/Figures`: supervisors' figures over the last hours, from stored task events. */
export interface FiguresDTO {
  from: IsoDate;
  to: IsoDate;
  bucketSeconds: number;
  /** The queue the figures are limited to; null for every queue. */
  queueSid: Sid | null;
  buckets: FiguresBucket[];
  /** The whole window at once (`queueLength`: chats waiting at its end). */
  totals: Omit<FiguresBucket, 'start' | 'end' | 'chatsPerHour'>;
  /** Every agent's activity over the window, and the seconds spent in each. */
  agents: {
    workerSid: Sid;
    friendlyName: string;
    intervals: ActivityInterval[];
    seconds: Record<Activity, number>;
  }[];
}

/** The supervisor view: queues and agents, live. */
export interface SupervisorSnapshot {
  queues: {
    sid: Sid;
    friendlyName: string;
    /** Tasks pending or reserved in the queue. */
    waiting: number;
    longestWaitSeconds: number;
    tasks: { sid: Sid; name: string; status: TaskStatus; priority: number; age: number }[];
  }[];
  workers: {
    sid: Sid;
    friendlyName: string;
    activity: Activity;
    capacity: number;
    /** Tasks reserved, assigned or wrapping. */
    load: number;
    supervisor: boolean;
  }[];
  /** Chats agents hold now (assigned or wrapping), oldest first: what a supervisor may watch. */
  chats: {
    channelSid: Sid;
    taskSid: Sid;
    customerName: string;
    workerSid: Sid;
    workerName: string;
    status: TaskStatus;
    age: number;
  }[];
  generatedAt: IsoDate;
}

/**
 * A note staff write on a chat for each other (the agent holding it, supervisors): never a
 * message, never sent to the customer or any channel connector.
 */
export interface WhisperDTO {
  sid: Sid;
  channelSid: Sid;
  /** The worker who wrote it. */
  workerSid: Sid;
  authorName: string;
  body: string;
  dateCreated: IsoDate;
}

// ── REST shapes used by the widget and the agent desktop ───────────────────

/** `POST /v1/WebChannels` (public, Origin-checked). */
export interface WebChannelRequest {
  flexFlowSid: Sid;
  /** Friendly name the customer gives (or the pre-engagement name). */
  customerFriendlyName?: string;
  preEngagementData?: Record<string, string>;
  pageUrl?: string;
  /** An existing session's token: resumes that contact's active channel when there is one. */
  token?: string;
  /** A signed-in user of the site, with proof from its server (see identity verification). */
  identify?: IdentifyRequest;
}

/** Who the site says the visitor is; `userHash` or `jwt` proves it. */
export interface IdentifyRequest {
  userId: string;
  name?: string;
  email?: string;
  /** hex(HMAC-SHA256(secret, userId)) */
  userHash?: string;
  /** An HS256 JWT signed with the secret: `sub` = userId, `exp` required. */
  jwt?: string;
}

export interface WebChannelResponse {
  channelSid: Sid;
  contactSid: Sid;
  identity: string;
  token: string;
  expiresAt: IsoDate;
}

/** `POST /v1/AgentSessions` `{ username, password }`. */
export interface AgentSessionResponse {
  token: string;
  expiresAt: IsoDate;
  worker: WorkerDTO;
}

export interface ErrorBody {
  code: string;
  message: string;
  status: number;
}

// ── Socket events ──────────────────────────────────────────────────────────

export type Ack<T> = T | { error: { code: string; message: string } };
export type AckFn<T> = (reply: Ack<T>) => void;

export interface SendMessageRequest {
  /** Chosen by the client; a retried send with the same id returns the original message. */
  clientId: string;
  body: string;
  attributes?: Record<string, unknown>;
}

/**
 * A stored message, as its sender learns it: what the sender did not know (sid, index, time).
 * `message` comes only when the clientId named a message stored before (a retry): the message
 * as stored, which the sender shows instead of what it sent again.
 */
export interface SentAck {
  sid: Sid;
  index: number;
  dateCreated: IsoDate;
  message?: MessageDTO;
}

export interface SyncReply {
  channel: ChannelDTO;
  members: MemberDTO[];
  /** Messages after the requested index, in index order: one page, bounded by count and size. */
  messages: MessageDTO[];
  /** More messages follow the last one here: ask again from its index. */
  hasMore: boolean;
}

export interface TypingEvent {
  channelSid: Sid;
  identity: string;
  friendlyName: string;
  role: MemberRole;
}

/** Visitor → server on `/webchat`. */
export interface WebchatClientEvents {
  /** Sent on every (re)connect with the last index the client holds (-1 for none). */
  'messages:sync': (req: { afterIndex: number }, ack: AckFn<SyncReply>) => void;
  'message:send': (req: SendMessageRequest, ack: AckFn<SentAck>) => void;
  'typing:start': () => void;
  'channel:read': (req: { index: number }) => void;
  /** The visitor's page changed (single-page-app navigation): the channel's pageUrl follows. */
  'context:update': (req: { pageUrl: string }) => void;
  /** The visitor ends the chat. */
  'chat:end': (req: Record<string, never>, ack: AckFn<{ ok: true }>) => void;
  /** Exchange the session token for a fresh one before it expires. */
  'session:refresh': (req: Record<string, never>, ack: AckFn<{ token: string; expiresAt: IsoDate }>) => void;
}

/** Server → visitor on `/webchat`. */
export interface WebchatServerEvents {
  'message:new': (message: MessageDTO) => void;
  /** Its attributes changed (Channel API). */
  'message:updated': (message: MessageDTO) => void;
  'message:removed': (event: MessageRemovedEvent) => void;
  'typing:start': (event: TypingEvent) => void;
  'channel:updated': (channel: ChannelDTO) => void;
  'member:updated': (member: MemberDTO) => void;
  'member:removed': (event: MemberRemovedEvent) => void;
  /** While the visitor's task waits for an agent: on every change of the queue, and on connect. */
  'queue:position': (event: QueuePositionEvent) => void;
}

/** Agent desktop → server on `/agent`. */
export interface AgentClientEvents {
  /** Sent on every (re)connect: the worker, its chats and its pending offers. */
  'session:sync': (req: Record<string, never>, ack: AckFn<AgentSyncReply>) => void;
  /** `activity`: a built-in name, or the sid of a custom activity. */
  'activity:set': (req: { activity: Activity | Sid }, ack: AckFn<WorkerDTO>) => void;
  'reservation:accept': (req: { reservationSid: Sid }, ack: AckFn<AgentChatDTO>) => void;
  'reservation:reject': (req: { reservationSid: Sid }, ack: AckFn<{ ok: true }>) => void;
  'messages:sync': (req: { channelSid: Sid; afterIndex: number }, ack: AckFn<SyncReply>) => void;
  'message:send': (req: SendMessageRequest & { channelSid: Sid }, ack: AckFn<SentAck>) => void;
  'typing:start': (req: { channelSid: Sid }) => void;
  'channel:read': (req: { channelSid: Sid; index: number }) => void;
  /** End chat: the task goes to wrapping and the channel inactive (unless long-lived). */
  'task:wrap': (req: WrapUpRequest, ack: AckFn<TaskDTO>) => void;
  'task:complete': (req: WrapUpRequest, ack: AckFn<TaskDTO>) => void;
  /** Queues and agents the chat can go to. */
  'transfer:targets': (req: Record<string, never>, ack: AckFn<TransferTargets>) => void;
  /** Hands the chat to a queue or a named agent: a new task; this agent leaves the channel. */
  'task:transfer': (req: TransferRequest, ack: AckFn<TaskDTO>) => void;
  /** Supervisors only (worker attribute `roles` has "supervisor"): the live queues and agents. */
  'supervisor:sync': (req: Record<string, never>, ack: AckFn<SupervisorSnapshot>) => void;
  /** Supervisors: stop following a watched chat (the socket leaves its room unless it holds it). */
  'watch:stop': (req: { channelSid: Sid }, ack: AckFn<{ ok: true }>) => void;
  /** Supervisors: join an active chat an agent holds as a second agent member; the agent keeps it. */
  'supervisor:join': (req: { channelSid: Sid }, ack: AckFn<MemberDTO>) => void;
  /** A joined supervisor leaves the chat. */
  'supervisor:leave': (req: { channelSid: Sid }, ack: AckFn<{ ok: true }>) => void;
  /** A staff-only note on a chat: the agent holding it, or a supervisor. */
  'whisper:send': (req: { channelSid: Sid; body: string }, ack: AckFn<WhisperDTO>) => void;
  /** The chat's newest whispers (up to 500), oldest first. */
  'whispers:sync': (req: { channelSid: Sid }, ack: AckFn<{ whispers: WhisperDTO[] }>) => void;
  /** Starts an outbound conversation (SMS / WhatsApp-style): the task is this agent's at once. */
  'interaction:create': (req: NewConversationRequest, ack: AckFn<NewConversationReply>) => void;
}

export interface NewConversationRequest {
  channelType: Exclude<ChannelType, 'web'>;
  /** The customer's address: a phone number, `whatsapp:+…`. */
  to: string;
  body: string;
}

export interface NewConversationReply {
  channelSid: Sid;
  taskSid: Sid | null;
}

export interface AgentSyncReply {
  worker: WorkerDTO;
  chats: AgentChatDTO[];
  offers: OfferDTO[];
}

/** Server → agent desktop on `/agent`. */
export interface AgentServerEvents {
  'worker:updated': (worker: WorkerDTO) => void;
  'offer:new': (offer: OfferDTO) => void;
  /** The offer is gone (timed out, canceled, taken by the agent on another tab). */
  'offer:ended': (event: { reservationSid: Sid; status: ReservationStatus }) => void;
  'chat:updated': (chat: AgentChatDTO) => void;
  'message:new': (message: MessageDTO) => void;
  'message:updated': (message: MessageDTO) => void;
  'message:removed': (event: MessageRemovedEvent) => void;
  'typing:start': (event: TypingEvent) => void;
  'channel:updated': (channel: ChannelDTO) => void;
  'member:updated': (member: MemberDTO) => void;
  'member:removed': (event: MemberRemovedEvent) => void;
  /** To supervisors, after `supervisor:sync`: a fresh snapshot whenever queues or agents change. */
  'supervisor:updated': (snapshot: SupervisorSnapshot) => void;
  /** A whisper on a chat this socket follows (never sent on `/webchat`). */
  'whisper:new': (whisper: WhisperDTO) => void;
}

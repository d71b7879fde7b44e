/**
 * What the store keeps: its records (mostly the wire DTOs) and the inputs that create them.
 */

import type {
  Activity,
  ChannelDTO,
  ChannelStatus,
  ChannelType,
  ContactDTO,
  FlexFlowDTO,
  IntegrationType,
  MemberDTO,
  MemberRole,
  MessageDTO,
  MessagingConnector,
  ProxySessionDTO,
  ReservationDTO,
  ReservationStatus,
  TaskDTO,
  TaskQueueDTO,
  TaskStatus,
  WidgetConfig,
  WorkerDTO,
  WorkflowConfiguration,
  WorkflowDTO,
} from '../protocol.ts';
import type { Effect, ExecutionState, FlowDefinition } from '../studio-types.ts';

export type Contact = ContactDTO;
export type Channel = ChannelDTO;
export type Member = MemberDTO;
export type Message = MessageDTO;
export type FlexFlow = FlexFlowDTO;
export type Reservation = ReservationDTO;
export type TaskQueue = TaskQueueDTO;
export type Workflow = WorkflowDTO;
export type ProxySession = ProxySessionDTO;

/** Where a task is in its workflow: the filter that matched and the target it waits in. */
export interface TaskRouting {
  /** The matched filter's `filter_friendly_name`; null for the default filter (or no workflow). */
  filterName: string | null;
  targetIndex: number;
  /** The target's expression, evaluated with the queue's targetWorkers for each worker. */
  targetExpression: string | null;
  /** A transfer to a named agent: only this worker is offered the task. */
  targetWorkerSid: string | null;
}

export interface Task extends Omit<TaskDTO, 'age'>, TaskRouting {
  /** One more at every write of the task: its ETag on the Twilio-shaped API. */
  revision: number;
}

export interface Worker extends WorkerDTO {
  passwordHash: string | null;
  /** Agent tokens carry the version they were signed at; bumping it ends every session. */
  tokenVersion: number;
  /** When the worker last accepted a task (or was created): the longest idle gets the next offer. */
  lastAssignedAt: string;
}

export interface Flow {
  sid: string;
  friendlyName: string;
  revision: number;
  definition: FlowDefinition;
  dateCreated: string;
  dateUpdated: string;
}

export interface Execution {
  sid: string;
  flowSid: string;
  flowRevision: number;
  channelSid: string;
  contactSid: string;
  status: 'active' | 'ended';
  state: ExecutionState;
  /** Effects asked for and not yet done: redone after a crash (each is idempotent). */
  pendingEffects: Effect[];
  /** Bumped on every write; a write with a stale version is refused. */
  version: number;
  dateCreated: string;
  dateUpdated: string;
}

export interface Timer {
  id: number;
  kind: string;
  ref: string;
  dueAt: string;
}

/** A timer to set: what it is for and when it is due. */
export type NewTimer = Omit<Timer, 'id'>;
/** Which timer: its kind and ref name one. */
export type TimerKey = Pick<Timer, 'kind' | 'ref'>;

export interface NewContact {
  identity: string;
  friendlyName: string;
  address?: string | null;
  attributes?: Record<string, unknown>;
}

export interface NewChannel {
  flexFlowSid: string;
  contactSid: string;
  friendlyName: string;
  attributes: Omit<ChannelDTO['attributes'], 'taskSid'>;
}

export interface NewMember {
  channelSid: string;
  identity: string;
  role: MemberRole;
  friendlyName: string;
}

export interface NewMessage {
  channelSid: string;
  from: string;
  authorRole: MemberRole;
  authorName: string;
  body: string;
  attributes?: Record<string, unknown>;
  clientId?: string | null;
}

export interface NewFlexFlow {
  friendlyName: string;
  channelType: ChannelType;
  contactIdentity: string;
  enabled: boolean;
  integrationType: IntegrationType;
  integration: Record<string, unknown>;
  longLived: boolean;
  janitorEnabled: boolean;
  allowedOrigins: string[];
  widgetConfig?: WidgetConfig;
  messagingConnector?: MessagingConnector | null;
}

export interface NewProxySession {
  flexFlowSid: string;
  channelSid: string;
  identity: string;
  address: string;
  proxyAddress: string;
}

export interface NewWorker {
  friendlyName: string;
  username?: string | null;
  passwordHash?: string | null;
  activity?: Activity;
  capacity?: number;
  attributes?: Record<string, unknown>;
  disabled?: boolean;
}

/** Failed sign-ins of one username (known or not), for the per-account backoff. */
export interface SignInAttempts {
  username: string;
  failures: number;
  lockedUntil: string | null;
  lastAttemptAt: string;
}

export interface NewTask extends Partial<TaskRouting> {
  channelSid: string;
  queueSid: string;
  workflowSid?: string | null;
  priority?: number;
  attributes: Record<string, unknown>;
  /** TTL in seconds (default 86400). */
  timeout?: number;
}

export interface NewWorkflow {
  friendlyName: string;
  configuration: WorkflowConfiguration;
  taskReservationTimeout: number;
  reservationTimeoutActivity: Activity | null;
}

/** A file sent in a conversation; its bytes are in the file storage under `sid`. */
export interface MediaRecord {
  sid: string;
  channelSid: string;
  /** Cleaned of any path and control characters. */
  filename: string;
  /** Sniffed from the file's bytes, never the client's word. */
  contentType: string;
  size: number;
  /** The visitor's contact sid or the agent's worker sid. */
  uploadedBy: string;
  dateCreated: string;
}

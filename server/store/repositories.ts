/**
 * The store's repository interfaces, one per kind of record. Operations that must be atomic
 * (append a message, reserve a task, accept a reservation, claim a timer) are single calls,
 * so each engine makes them atomic its own way.
 */

import type {
  Activity,
  ChannelStatus,
  ContactMatchedBy,
  MemberRole,
  ReservationStatus,
  TaskStatus,
} from '../protocol.ts';
import type { Effect, ExecutionState, FlowDefinition } from '../studio-types.ts';
import type {
  Channel,
  Contact,
  Execution,
  FlexFlow,
  Flow,
  MediaRecord,
  Member,
  Message,
  NewChannel,
  NewContact,
  NewFlexFlow,
  NewMember,
  NewMessage,
  NewProxySession,
  NewTask,
  NewTimer,
  NewWorker,
  NewWorkflow,
  ProxySession,
  Reservation,
  SignInAttempts,
  Task,
  TaskQueue,
  TaskRouting,
  Timer,
  TimerKey,
  Worker,
  Workflow,
} from './records.ts';

export interface ContactRepository {
  create(input: NewContact): Promise<Contact>;
  get(sid: string): Promise<Contact | null>;
  findByIdentity(identity: string): Promise<Contact | null>;
  update(
    sid: string,
    patch: { friendlyName?: string; attributes?: Record<string, unknown> },
  ): Promise<Contact>;
}

export interface ChannelRepository {
  create(input: NewChannel): Promise<Channel>;
  get(sid: string): Promise<Channel | null>;
  /** Channels oldest first, a page at a time. */
  list(page: { limit: number; offset: number }): Promise<Channel[]>;
  /** The contact's newest active channel on a Flex Flow. */
  findActive(contactSid: string, flexFlowSid: string): Promise<Channel | null>;
  /**
   * The channel whose `attributes.uniqueName` (the Conversations API's unique name) is `name`.
   * A create or update that would give a second channel the same name throws `uniqueNameTaken`.
   */
  findByUniqueName(name: string): Promise<Channel | null>;
  update(
    sid: string,
    patch: { status?: ChannelStatus; attributes?: Record<string, unknown>; friendlyName?: string },
  ): Promise<Channel>;
  /** Deletes the channel with its members, messages, executions, tasks and their reservations. */
  delete(sid: string): Promise<boolean>;
}

export interface MemberRepository {
  /** Adds the member, or returns the one already there with that identity. */
  add(input: NewMember): Promise<Member>;
  get(channelSid: string, identity: string): Promise<Member | null>;
  list(channelSid: string): Promise<Member[]>;
  /** Moves the read horizon forward only; returns null when nothing changed. */
  advanceReadHorizon(channelSid: string, identity: string, index: number): Promise<Member | null>;
  remove(channelSid: string, identity: string): Promise<boolean>;
}

export interface MessageRepository {
  /**
   * Stores the message with the channel's next index, in one transaction. With a `clientId`
   * already used in the channel it stores nothing and returns the original (`created: false`).
   */
  append(input: NewMessage): Promise<{ message: Message; created: boolean }>;
  /**
   * A member's message, checked and stored in one step: the channel must exist and be active
   * and `from` be its member (author role and name come from the membership). A `clientId`
   * already used in the channel returns the original, even once the channel has ended.
   * `engaged` tells whether the channel's task is still open when the message was stored.
   */
  post(input: MemberMessage): Promise<PostOutcome>;
  list(channelSid: string, options: { afterIndex?: number; limit: number }): Promise<Message[]>;
  findByClientId(channelSid: string, clientId: string): Promise<Message | null>;
  /** The first message a member of this role wrote in the channel. */
  firstByRole(channelSid: string, role: MemberRole): Promise<Message | null>;
  get(channelSid: string, sid: string): Promise<Message | null>;
  /** Replaces the message's attributes; null when there is no such message. */
  updateAttributes(
    channelSid: string,
    sid: string,
    attributes: Record<string, unknown>,
  ): Promise<Message | null>;
  /** Deletes one message; the indexes of the others stay as they are. */
  delete(channelSid: string, sid: string): Promise<boolean>;
}

export interface MemberMessage {
  channelSid: string;
  from: string;
  body: string;
  attributes?: Record<string, unknown>;
  clientId?: string | null;
}

export type PostOutcome =
  | { status: 'stored'; message: Message; created: boolean; engaged: boolean }
  | { status: 'no_channel' | 'not_a_member' | 'inactive' };

export interface FlexFlowRepository {
  create(input: NewFlexFlow): Promise<FlexFlow>;
  get(sid: string): Promise<FlexFlow | null>;
  list(): Promise<FlexFlow[]>;
  update(sid: string, patch: Partial<NewFlexFlow>): Promise<FlexFlow>;
  delete(sid: string): Promise<boolean>;
}

export interface ProxySessionRepository {
  /**
   * Opens a session unless one is already open for the address + proxy address; returns the
   * open one then (`created: false`).
   */
  open(input: NewProxySession): Promise<{ session: ProxySession; created: boolean }>;
  get(sid: string): Promise<ProxySession | null>;
  /** The open session of a customer address on a proxy address (contact identity). */
  findOpen(address: string, proxyAddress: string): Promise<ProxySession | null>;
  list(filter: { status?: ProxySession['status']; channelSid?: string }): Promise<ProxySession[]>;
  /** Closes an open session; null when it was not open. */
  close(sid: string): Promise<ProxySession | null>;
}

export interface WorkerRepository {
  create(input: NewWorker): Promise<Worker>;
  get(sid: string): Promise<Worker | null>;
  getByUsername(username: string): Promise<Worker | null>;
  list(): Promise<Worker[]>;
  update(
    sid: string,
    patch: {
      /** Setting it also sets the custom activity: `activitySid`, or none when that is left out. */
      activity?: Activity;
      activitySid?: string | null;
      capacity?: number;
      friendlyName?: string;
      attributes?: Record<string, unknown>;
      username?: string;
      passwordHash?: string;
      disabled?: boolean;
      /** Bump the worker's token version: every token signed before stops working. */
      revokeSessions?: boolean;
    },
  ): Promise<Worker>;
  /** Deletes the worker and its reservations (tasks keep its sid); false when there was none. */
  delete(sid: string): Promise<boolean>;
  /** The failed sign-ins counted for a username, or null. */
  getSignInAttempts(username: string): Promise<SignInAttempts | null>;
  /**
   * Counts one more attempt, only if the count is still `expectedFailures` (0: no row yet), so
   * concurrent attempts on several nodes each get their own number; false when it moved.
   */
  recordSignInAttempt(
    username: string,
    expectedFailures: number,
    next: { failures: number; lockedUntil: string | null; at: string },
  ): Promise<boolean>;
  /** Forgets a username's failures (a successful sign-in). */
  clearSignInAttempts(username: string): Promise<void>;
  /** Forgets failures last attempted before `before`. */
  pruneSignInAttempts(before: string): Promise<void>;
  /**
   * Available workers with free capacity (tasks reserved, assigned or wrapping count against
   * it), longest idle first, leaving out `exclude`.
   */
  listAvailable(exclude: string[]): Promise<Worker[]>;
}

export interface TaskQueueRepository {
  create(input: { friendlyName: string; targetWorkers?: string }): Promise<TaskQueue>;
  get(sid: string): Promise<TaskQueue | null>;
  list(): Promise<TaskQueue[]>;
  update(sid: string, patch: { friendlyName?: string; targetWorkers?: string }): Promise<TaskQueue | null>;
  delete(sid: string): Promise<boolean>;
}

export interface WorkflowRepository {
  create(input: NewWorkflow): Promise<Workflow>;
  get(sid: string): Promise<Workflow | null>;
  list(): Promise<Workflow[]>;
  update(sid: string, patch: Partial<NewWorkflow>): Promise<Workflow | null>;
  delete(sid: string): Promise<boolean>;
}

export interface TaskRepository {
  /**
   * Creates a task for the channel unless one is still open there (pending, reserved,
   * assigned or wrapping), and links the channel to the task; returns the open task otherwise.
   */
  createUnlessOpen(input: NewTask): Promise<{ task: Task; created: boolean }>;
  get(sid: string): Promise<Task | null>;
  list(filter: {
    status?: TaskStatus;
    workerSid?: string;
    channelSid?: string;
    queueSid?: string;
  }): Promise<Task[]>;
  /** Pending tasks in dispatch order: priority, then age. */
  listPending(limit: number): Promise<Task[]>;
  /** Tasks pending or reserved in the queue, in dispatch order (a visitor's place in line). */
  listWaiting(queueSid: string): Promise<Task[]>;
  /**
   * Moves the task to `to` only if its status is one of `from`; null when it was not. Going to
   * `completed` also completes its accepted reservation.
   */
  transition(sid: string, from: TaskStatus[], to: TaskStatus, reason?: string): Promise<Task | null>;
  /**
   * Atomically: a pending or reserved task is canceled and its pending reservations with it.
   * Null when the task was no longer pending or reserved.
   */
  cancel(sid: string, reason: string | null): Promise<{ task: Task; reservations: Reservation[] } | null>;
  /**
   * Atomically moves a waiting task (pending or reserved, still in target `fromIndex`) to
   * another target: any pending reservation is rescinded and the task is pending again.
   */
  retarget(
    sid: string,
    fromIndex: number,
    next: { queueSid: string; priority: number } & Omit<TaskRouting, 'targetWorkerSid'>,
  ): Promise<{ task: Task; rescinded: Reservation[] } | null>;
  /** Null when there is no such task, or when `ifRevision` is given and is not its revision. */
  update(
    sid: string,
    patch: { attributes?: Record<string, unknown>; priority?: number; targetWorkerSid?: null },
    ifRevision?: number,
  ): Promise<Task | null>;
  /** Deletes the task and its reservations, and unlinks its channel. */
  delete(sid: string): Promise<boolean>;
  /** Seconds from creation to assignment of the queue's most recently assigned tasks. */
  recentWaits(queueSid: string, limit: number): Promise<number[]>;
}

export interface ReservationRepository {
  /**
   * Atomically: the pending task becomes reserved for the worker, if the worker is still
   * available with free capacity; a pending reservation is created. Null when either changed.
   */
  reserve(taskSid: string, workerSid: string, expiresAt: string): Promise<Reservation | null>;
  /**
   * Atomically: the pending reservation becomes accepted and its task assigned, if the worker
   * is within capacity. Null when the reservation is no longer pending.
   */
  accept(sid: string): Promise<{ reservation: Reservation; task: Task } | null>;
  /** A pending reservation ends (rejected, timeout, canceled); its task is pending again. */
  release(
    sid: string,
    status: Extract<ReservationStatus, 'rejected' | 'timeout' | 'canceled' | 'rescinded'>,
  ): Promise<Reservation | null>;
  get(sid: string): Promise<Reservation | null>;
  list(filter: { taskSid?: string; workerSid?: string; status?: ReservationStatus }): Promise<Reservation[]>;
}

export interface TimerRepository {
  schedule(kind: string, ref: string, dueAt: string): Promise<void>;
  cancel(kind: string, ref: string): Promise<void>;
  /** Claims up to `limit` due timers; a claimed timer is never handed out again. */
  claimDue(now: string, limit: number): Promise<Timer[]>;
  /** The claimed timer has fired; it is removed. */
  complete(id: number): Promise<void>;
}

export interface FlowRepository {
  create(input: { friendlyName: string; definition: FlowDefinition }): Promise<Flow>;
  get(sid: string): Promise<Flow | null>;
  /** A given revision's definition (executions run on the revision they started with). */
  getRevision(sid: string, revision: number): Promise<FlowDefinition | null>;
  list(): Promise<Flow[]>;
  /** Stores a new revision (when a definition is given) and renames. */
  update(sid: string, patch: { friendlyName?: string; definition?: FlowDefinition }): Promise<Flow>;
  delete(sid: string): Promise<boolean>;
}

/**
 * Bot executions. An execution's step log (`state.log`) is stored apart from the rest of its
 * state, each entry once: a log only grows (its entries are never changed or removed), and a
 * saved state's log begins with the entries of the execution at the version it is saved over
 * (every execution read or returned here holds all its entries stored so far), so a save
 * writes the state without its log and inserts only the entries it added, in the same
 * transaction (none when the version check fails). Reads give the whole log back, in order.
 */
export interface ExecutionRepository {
  create(input: {
    flowSid: string;
    flowRevision: number;
    channelSid: string;
    contactSid: string;
    state: ExecutionState;
  }): Promise<Execution>;
  get(sid: string): Promise<Execution | null>;
  list(filter: { flowSid?: string; channelSid?: string }): Promise<Execution[]>;
  findActive(channelSid: string): Promise<Execution | null>;
  /** Executions with effects still to do, for recovery after a restart. */
  listWithPendingEffects(): Promise<Execution[]>;
  /** Deletes an ended execution and its steps; false when there is none, or it is still active. */
  delete(sid: string): Promise<boolean>;
  /**
   * Writes state if the row is still at `version`; the new row, or null when it was not.
   * `timer`, when given, is set (as `timers.schedule` would) and `cleared` removed (as
   * `timers.cancel` would: the timer of the wait the step left) in the same transaction, and
   * only if the state was written.
   */
  save(
    sid: string,
    version: number,
    state: ExecutionState,
    pendingEffects: Effect[],
    timer?: NewTimer,
    cleared?: TimerKey,
  ): Promise<Execution | null>;
  /**
   * Saves a step as `save` does and posts the one message it sends as `messages.post` would,
   * in one transaction, so that after a crash both are stored or neither is. The message is
   * checked first: when the channel is not active or `from` not its member, the step is not
   * saved either and `execution` is null (`posted` says why, or is the original a retried
   * clientId names). Null when the message was admitted but the row was not at `version`
   * (nothing written). On PostgreSQL a channel that closes while the statement runs refuses the
   * message after the step was saved: `execution` is then the saved step.
   */
  saveAndPost(
    sid: string,
    version: number,
    state: ExecutionState,
    pendingEffects: Effect[],
    timer: NewTimer | undefined,
    message: MemberMessage,
    cleared?: TimerKey,
  ): Promise<{ execution: Execution | null; posted: PostOutcome } | null>;
}

/** What privacy requests and retention need: everything about a contact, and deleting it. */
export interface ContactRecord {
  contact: Contact;
  channels: Channel[];
  messages: Message[];
  members: Member[];
  tasks: Task[];
  reservations: Reservation[];
  executions: Execution[];
}

/** Who a privacy request looks for: one of these, already normalised (see core/privacy.ts). */
export interface ContactLookup {
  /**
   * Lowercased; matched, ignoring case, against identity, address, `attributes.email` and the
   * pre-engagement email of the contact's conversations.
   */
  email?: string;
  /**
   * Digits only, country code first; matched against identity, address, `attributes.phone` and
   * the pre-engagement phone of the contact's conversations.
   */
  phone?: string;
  /** Exact identity. */
  identity?: string;
}

export interface PrivacyRepository {
  /**
   * Contacts matching the lookup, newest first, each with how many conversations it has and
   * the most trustworthy place it matched.
   */
  findContacts(
    lookup: ContactLookup,
    limit: number,
  ): Promise<{ contact: Contact; conversations: number; matchedBy: ContactMatchedBy }[]>;
  /** Everything stored about the contact, or null when there is no such contact. */
  exportContact(sid: string): Promise<ContactRecord | null>;
  /**
   * In one transaction: the contact's messages, memberships and bot executions are deleted,
   * its channels closed and stripped to their channel type, its tasks' attributes emptied
   * (open ones canceled), and the contact left as an anonymous tombstone. The channels' sids,
   * or null when there is no such contact.
   */
  eraseContact(sid: string): Promise<{ channelSids: string[] } | null>;
  /** Channels whose last activity is older than `before` and that have no open task. */
  listExpiredChannels(before: string, limit: number): Promise<string[]>;
  /** Deletes channels with their messages, members, executions, tasks and reservations, and
   * contacts left with no channel. */
  deleteChannels(sids: string[]): Promise<number>;
}

/** What a channel may hold in files. */
export interface MediaQuota {
  maxFiles: number;
  maxBytes: number;
}

/** `added`, or why not: the channel ended (or is gone), or a quota would be passed. */
export type MediaAddResult = 'added' | 'channel_inactive' | 'too_many_files' | 'too_many_bytes';

export interface MediaRepository {
  /**
   * Records a stored file, atomically with its checks: its channel exists and is active, and
   * the channel's files stay within `quota` with this one counted.
   */
  add(record: MediaRecord, quota: MediaQuota): Promise<MediaAddResult>;
  get(sid: string): Promise<MediaRecord | null>;
  /** Files and bytes a channel holds now. */
  usage(channelSid: string): Promise<{ files: number; bytes: number }>;
  listByChannels(channelSids: string[]): Promise<MediaRecord[]>;
  /** Deletes these records (their bytes are the file storage's to delete); how many there were. */
  delete(sids: string[]): Promise<number>;
  /** Records a file kept from before records were in the store, unchecked; false when already recorded. */
  adopt(record: MediaRecord): Promise<boolean>;
}

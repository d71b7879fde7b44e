/**
 * Row ↔ record mapping, shared by the SQLite and PostgreSQL stores: both use the same
 * snake_case columns; JSON arrives as text (SQLite) or parsed (jsonb), booleans as 0/1 or true.
 */
import type {
  Channel,
  Contact,
  Execution,
  FlexFlow,
  Flow,
  Member,
  Message,
  ProxySession,
  Reservation,
  Task,
  TaskQueue,
  Worker,
  Workflow,
} from './types.ts';

// biome-ignore lint/suspicious/noExplicitAny: rows come untyped from the driver
export type Row = Record<string, any>;

const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);
const bool = (value: unknown) => value === 1 || value === true;

export const toContact = (r: Row): Contact => ({
  sid: r.sid,
  identity: r.identity,
  friendlyName: r.friendly_name,
  address: r.address,
  attributes: json(r.attributes),
  dateCreated: r.date_created,
});

export const toChannel = (r: Row): Channel => ({
  sid: r.sid,
  flexFlowSid: r.flex_flow_sid,
  contactSid: r.contact_sid,
  friendlyName: r.friendly_name,
  status: r.status,
  attributes: { ...json(r.attributes), taskSid: r.task_sid },
  lastMessageIndex: r.last_message_index,
  dateCreated: r.date_created,
  dateUpdated: r.date_updated,
});

export const toMember = (r: Row): Member => ({
  sid: r.sid,
  channelSid: r.channel_sid,
  identity: r.identity,
  role: r.role,
  friendlyName: r.friendly_name,
  lastReadIndex: r.last_read_index,
  dateCreated: r.date_created,
});

export const toMessage = (r: Row): Message => ({
  sid: r.sid,
  channelSid: r.channel_sid,
  index: r.idx,
  from: r.from_identity,
  authorRole: r.author_role,
  authorName: r.author_name,
  body: r.body,
  attributes: json(r.attributes),
  clientId: r.client_id,
  dateCreated: r.date_created,
});

export const toFlexFlow = (r: Row): FlexFlow => ({
  sid: r.sid,
  friendlyName: r.friendly_name,
  channelType: r.channel_type,
  contactIdentity: r.contact_identity,
  enabled: bool(r.enabled),
  integrationType: r.integration_type,
  integration: json(r.integration),
  longLived: bool(r.long_lived),
  janitorEnabled: bool(r.janitor_enabled),
  allowedOrigins: json(r.allowed_origins),
  widgetConfig: json(r.widget_config),
  messagingConnector: r.messaging_connector ? json(r.messaging_connector) : null,
  dateCreated: r.date_created,
  dateUpdated: r.date_updated,
});

export const toWorker = (r: Row): Worker => ({
  sid: r.sid,
  friendlyName: r.friendly_name,
  username: r.username,
  passwordHash: r.password_hash,
  activity: r.activity,
  activitySid: r.activity_sid ?? null,
  // The store reads a custom activity's name beside the row (a join or a lookup).
  activityName: r.activity_name ?? r.activity,
  capacity: r.capacity,
  attributes: json(r.attributes),
  disabled: bool(r.disabled),
  tokenVersion: Number(r.token_version ?? 0),
  lastAssignedAt: r.last_assigned_at,
  dateCreated: r.date_created,
  dateUpdated: r.date_updated,
});

export const toQueue = (r: Row): TaskQueue => ({
  sid: r.sid,
  friendlyName: r.friendly_name,
  targetWorkers: r.target_workers,
  dateCreated: r.date_created,
  dateUpdated: r.date_updated ?? r.date_created,
});

export const toWorkflow = (r: Row): Workflow => ({
  sid: r.sid,
  friendlyName: r.friendly_name,
  configuration: json(r.configuration),
  taskReservationTimeout: r.task_reservation_timeout,
  reservationTimeoutActivity: r.reservation_timeout_activity ?? null,
  dateCreated: r.date_created,
  dateUpdated: r.date_updated,
});

export const toTask = (r: Row): Task => ({
  sid: r.sid,
  status: r.status,
  channelSid: r.channel_sid,
  queueSid: r.queue_sid,
  workerSid: r.worker_sid,
  workflowSid: r.workflow_sid ?? null,
  priority: r.priority,
  attributes: json(r.attributes),
  timeout: r.timeout,
  reason: r.reason ?? null,
  dateAssigned: r.date_assigned ?? null,
  filterName: r.filter_name ?? null,
  targetIndex: r.target_index,
  targetExpression: r.target_expression ?? null,
  targetWorkerSid: r.target_worker_sid ?? null,
  revision: r.revision ?? 0,
  dateCreated: r.date_created,
  dateUpdated: r.date_updated,
});

export const toReservation = (r: Row): Reservation => ({
  sid: r.sid,
  taskSid: r.task_sid,
  workerSid: r.worker_sid,
  status: r.status,
  expiresAt: r.expires_at,
  dateCreated: r.date_created,
});

export const toFlow = (r: Row): Flow => ({
  sid: r.sid,
  friendlyName: r.friendly_name,
  revision: r.revision,
  definition: json(r.definition),
  dateCreated: r.date_created,
  dateUpdated: r.date_updated,
});

/**
 * An execution's row; its step log, stored apart (execution_steps), comes as the row's `log`
 * column (a JSON array in order) when the query reads it.
 */
export const toExecution = (r: Row): Execution => ({
  sid: r.sid,
  flowSid: r.flow_sid,
  flowRevision: r.flow_revision,
  channelSid: r.channel_sid,
  contactSid: r.contact_sid,
  status: r.status,
  state: r.log === undefined || r.state === null ? json(r.state) : { ...json(r.state), log: json(r.log) },
  pendingEffects: json(r.pending_effects),
  version: r.version,
  dateCreated: r.date_created,
  dateUpdated: r.date_updated,
});

export const toProxySession = (r: Row): ProxySession => ({
  sid: r.sid,
  flexFlowSid: r.flex_flow_sid,
  channelSid: r.channel_sid,
  status: r.status,
  participants: [{ identity: r.identity, address: r.address, proxyAddress: r.proxy_address }],
  dateCreated: r.date_created,
  dateUpdated: r.date_updated,
  dateClosed: r.date_closed ?? null,
});

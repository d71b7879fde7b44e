/**
 * What of a customer's conversation an audit event may keep. The audit log is for
 * administrative changes and outlives privacy erasure and retention, so customer text never
 * goes in: a message keeps its sid, channel, index, author role and body length (never its
 * body, media or attributes); channels, conversations, tasks, participants, interactions and
 * executions keep their attributes' key names with every value `[redacted]`, and lose
 * addresses, media and a bot execution's state. Configuration (workers, queues, workflows,
 * Flex Flows, bot flows) is the administrators' own and is kept whole.
 */
import { REDACTED } from './audit.ts';

/** Resource types whose records are configuration, not a customer's conversation. */
const CONFIGURATION = new Set([
  'Workers',
  'TaskQueues',
  'Workflows',
  'FlexFlows',
  'Flows',
  'Activities',
  // Parley's own administrative resources (their secrets are left out by redactSecrets).
  'CannedResponses',
  'Webhooks',
  'ApiKeys',
  'Settings',
]);

/** Fields whose values are a customer's data: only their key names are kept. */
const KEYS_ONLY = new Set(['attributes', 'properties']);
/** Fields dropped to `[redacted]` whatever they hold. */
const REDACT = new Set([
  'media',
  'state',
  'pendingEffects',
  'context',
  'address',
  'proxy_address',
  'proxyAddress',
  'messaging_binding',
  'messagingBinding',
  'pre_engagement_data',
  'preEngagementData',
  'initial_question',
  'initialQuestion',
]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** `{a: 1, b: {…}}` → `{a: '[redacted]', b: '[redacted]'}`; a JSON string is read first. */
function keyNames(value: unknown): unknown {
  let object = value;
  if (typeof value === 'string') {
    try {
      object = JSON.parse(value);
    } catch {
      return value === '' ? value : REDACTED;
    }
  }
  if (!isObject(object)) return object === null || object === undefined ? object : REDACTED;
  return Object.fromEntries(Object.keys(object).map((key) => [key, REDACTED]));
}

function scrub(value: unknown, depth: number): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => scrub(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (KEYS_ONLY.has(key)) out[key] = keyNames(item);
    else if (REDACT.has(key)) out[key] = item === null || item === undefined ? item : REDACTED;
    else if (key === 'body' && typeof item === 'string') out.bodyLength = item.length;
    else out[key] = scrub(item, depth + 1);
  }
  return out;
}

/** A message as the audit log keeps it: who wrote what length where, never what was written. */
function messageSummary(record: Record<string, unknown>): Record<string, unknown> {
  const body = record.body;
  return {
    sid: record.sid,
    channelSid: record.channelSid ?? record.conversation_sid ?? record.channel_sid,
    index: record.index,
    authorRole: record.authorRole ?? null,
    bodyLength: typeof body === 'string' ? body.length : null,
    dateCreated: record.dateCreated ?? record.date_created,
  };
}

/** The record an audit event of `resourceType` may keep (see the module header). */
export function withoutCustomerData(resourceType: string, record: unknown): unknown {
  if (!isObject(record) || CONFIGURATION.has(resourceType)) return record;
  if (resourceType === 'Messages' || resourceType.endsWith('/Messages')) return messageSummary(record);
  return scrub(record, 0);
}

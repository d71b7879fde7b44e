/**
 * Schemas of everything that comes in from outside: REST bodies and socket payloads. Both
 * transports validate with these at the edge; inside, the types are trusted.
 */
import { z } from 'zod';
import { parseExpression } from './core/routing/expression.ts';
import { ParleyError } from './errors.ts';

export const LIMITS = {
  messageBody: 4000,
  friendlyName: 120,
  clientId: 100,
  attributesJson: 16_000,
  attributesDepth: 10,
} as const;

const sid = (prefix: string) =>
  z
    .string()
    .regex(new RegExp(`^${prefix}[0-9a-f]{32}$`), `expected a ${prefix}… sid (${prefix} and 32 hex digits)`);

/** How deep attributes nest; measured without recursion, so no input can exhaust the stack. */
function depthOf(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number];
    if (depth > deepest) deepest = depth;
    if (deepest > limit) return deepest;
    if (node && typeof node === 'object') {
      for (const child of Object.values(node)) stack.push([child, depth + 1]);
    }
  }
  return deepest;
}

const attributes = z
  .record(z.string(), z.unknown())
  .refine((value) => depthOf(value, LIMITS.attributesDepth) <= LIMITS.attributesDepth, {
    message: `attributes may nest at most ${LIMITS.attributesDepth} levels deep`,
    abort: true,
  })
  .refine((value) => JSON.stringify(value).length <= LIMITS.attributesJson, {
    message: `attributes must be at most ${LIMITS.attributesJson} characters of JSON`,
  });

const stringMap = z.record(z.string().max(200), z.string().max(2000));
const friendlyName = z.string().trim().min(1).max(LIMITS.friendlyName);
const body = z.string().min(1, 'a message needs a body').max(LIMITS.messageBody);
const clientId = z.string().min(1).max(LIMITS.clientId);
const index = z.number().int().min(-1);

/** A TaskRouter expression; the message points at the column that is wrong. */
const expression = z
  .string()
  .max(2000)
  .superRefine((text, ctx) => {
    try {
      parseExpression(text);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });
const activityName = z.enum(['Available', 'Unavailable', 'Offline']);
const workflowConfiguration = z.object({
  task_routing: z.object({
    filters: z
      .array(
        z.object({
          filter_friendly_name: z.string().min(1).max(200),
          expression,
          targets: z
            .array(
              z.object({
                queue: sid('WQ'),
                expression: expression.optional(),
                priority: z.number().int().optional(),
                timeout: z.number().int().min(1).max(31_536_000).optional(),
              }),
            )
            .min(1, 'a filter needs at least one target'),
        }),
      )
      .max(100),
    default_filter: z.object({ queue: sid('WQ') }).optional(),
  }),
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected a time as HH:MM, e.g. "09:00"');
const compiles = (pattern: string) => {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
};
const knownTimezone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};
const widgetConfig = z.object({
  preEngagementConfig: z
    .object({
      description: z.string().max(1000).optional(),
      submitLabel: z.string().max(60).optional(),
      fields: z
        .array(
          z.object({
            name: z.string().min(1).max(60),
            label: z.string().min(1).max(200),
            type: z.enum(['text', 'email', 'select', 'textarea']),
            required: z.boolean().optional(),
            pattern: z.string().max(500).refine(compiles, 'expected a valid regular expression').optional(),
            options: z.array(z.string().max(200)).max(50).optional(),
            placeholder: z.string().max(200).optional(),
          }),
        )
        .max(20),
    })
    .optional(),
  businessHours: z
    .object({
      timezone: z.string().refine(knownTimezone, 'expected an IANA time zone, e.g. "Europe/Berlin"'),
      schedule: z
        .array(
          z.object({
            days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1),
            open: hhmm,
            close: hhmm,
          }),
        )
        .max(50),
    })
    .optional(),
  offlineMessage: z.string().max(1000).optional(),
  fileAttachment: z
    .object({
      enabled: z.boolean(),
      maxFileSize: z.number().int().min(1).max(50_000_000).optional(),
      acceptedExtensions: z.array(z.string().max(20)).max(50).optional(),
    })
    .optional(),
});

const flexFlowFields = {
  friendlyName,
  channelType: z.enum(['web', 'sms', 'whatsapp', 'facebook', 'custom']),
  contactIdentity: z.string().min(1).max(200),
  enabled: z.boolean(),
  integrationType: z.enum(['studio', 'task', 'external']),
  integration: attributes,
  longLived: z.boolean(),
  janitorEnabled: z.boolean(),
  allowedOrigins: z.array(z.string().max(300)).max(100),
  widgetConfig,
  /** SMS / WhatsApp-style Flex Flows: where replies are POSTed and the token both sides sign with. */
  messagingConnector: z
    .object({
      url: z.url('expected the provider\'s Messages endpoint, e.g. "https://provider.example.com/Messages"'),
      authToken: z.string().min(8, 'authToken: at least 8 characters').max(200),
    })
    .nullable(),
};
const flexFlow = z.object({
  ...flexFlowFields,
  integration: flexFlowFields.integration.default({}),
  longLived: flexFlowFields.longLived.default(false),
  janitorEnabled: flexFlowFields.janitorEnabled.default(true),
  allowedOrigins: flexFlowFields.allowedOrigins.default([]),
  widgetConfig: flexFlowFields.widgetConfig.default({}),
  messagingConnector: flexFlowFields.messagingConnector.optional(),
});
const flexFlowPatch = z.object(flexFlowFields).partial();

/** Who the site says the visitor is, with its server's proof (see core/identity.ts). */
const identify = z.object({
  userId: z.string().min(1).max(200),
  name: friendlyName.optional(),
  email: z.email('expected an email address, e.g. "dana@example.com"').max(200).optional(),
  userHash: z.string().max(128).optional(),
  jwt: z.string().max(4096).optional(),
});

export const schemas = {
  webChannel: z.object({
    flexFlowSid: sid('FO'),
    customerFriendlyName: friendlyName.optional(),
    preEngagementData: stringMap.optional(),
    pageUrl: z.string().max(2000).optional(),
    token: z.string().max(2048).optional(),
    identify: identify.optional(),
  }),
  flow: z.object({
    friendlyName,
    definition: z.unknown().refine((d) => d !== undefined, 'a flow needs a definition'),
  }),
  startExecution: z.object({ channelSid: sid('CH'), parameters: attributes.optional() }),
  webChannelConfig: z.object({ flexFlowSid: sid('FO') }),
  offlineMessage: z.object({
    flexFlowSid: sid('FO'),
    name: friendlyName,
    email: z.email('expected an email address, e.g. "dana@example.com"').max(200),
    body,
    pageUrl: z.string().max(2000).optional(),
    identify: identify.optional(),
  }),
  agentSession: z.object({ username: z.string().min(1).max(200), password: z.string().min(1).max(200) }),
  createChannel: z.object({
    flexFlowSid: sid('FO'),
    identity: z.string().min(1).max(200),
    chatFriendlyName: friendlyName.optional(),
    chatUserFriendlyName: friendlyName.optional(),
    preEngagementData: stringMap.optional(),
    taskAttributes: attributes.optional(),
    /** Twilio's names for the same things: a unique name for the chat, the contact's address. */
    chatUniqueName: z.string().min(1).max(200).optional(),
    target: z.string().min(1).max(200).optional(),
    longLived: z.boolean().optional(),
  }),
  postMessage: z.object({
    from: z.string().min(1).max(200),
    body,
    clientId: clientId.optional(),
    attributes: attributes.optional(),
  }),
  listMessages: z.object({
    afterIndex: z.coerce.number().int().min(-1).optional(),
    pageSize: z.coerce.number().int().min(1).max(1000).optional(),
  }),
  interaction: z.object({
    channel: z.object({
      type: z.enum(['sms', 'whatsapp', 'facebook', 'custom']),
      to: z.string().min(1).max(200),
      from: z.string().min(1).max(200).optional(),
      flexFlowSid: sid('FO').optional(),
    }),
    routing: z
      .object({
        workflowSid: sid('WW').optional(),
        workerSid: sid('WK').optional(),
        attributes: attributes.optional(),
      })
      .optional(),
    body,
    creationOnMessage: z.boolean().default(false),
  }),
  newConversation: z.object({
    channelType: z.enum(['sms', 'whatsapp', 'facebook', 'custom']),
    to: z.string().trim().min(1, 'the customer\'s address, e.g. "+15557777"').max(200),
    body,
  }),
  listSessions: z.object({
    status: z.enum(['open', 'closed']).optional(),
    channelSid: sid('CH').optional(),
  }),
  updateSession: z.object({
    status: z.literal('closed', 'a session can only be closed: {"status":"closed"}'),
  }),
  flexFlow,
  /** An update: only the fields given change (no defaults fill in the others). */
  flexFlowPatch,
  worker: z.object({
    friendlyName,
    username: z.string().min(1).max(200).optional(),
    password: z.string().min(4, 'a password needs at least 4 characters').max(200).optional(),
    activity: z.enum(['Available', 'Unavailable', 'Offline']).optional(),
    capacity: z.number().int().min(1).max(100).optional(),
    attributes: attributes.optional(),
    disabled: z.boolean().optional(),
  }),
  taskQueue: z.object({ friendlyName, targetWorkers: expression.optional() }),
  workflow: z.object({
    friendlyName,
    configuration: workflowConfiguration,
    taskReservationTimeout: z.number().int().min(1).max(86_400).optional(),
    reservationTimeoutActivity: activityName.nullable().optional(),
  }),
  updateTask: z.object({
    attributes: attributes.optional(),
    priority: z.number().int().optional(),
    status: z.enum(['canceled', 'wrapping', 'completed']).optional(),
    reason: z.string().max(500).optional(),
  }),
  listTasks: z.object({
    status: z.enum(['pending', 'reserved', 'assigned', 'wrapping', 'completed', 'canceled']).optional(),
    queueSid: sid('WQ').optional(),
    workerSid: sid('WK').optional(),
  }),
  updateReservation: z.object({ status: z.enum(['accepted', 'rejected']) }),
  updateChannel: z.object({
    friendlyName: friendlyName.optional(),
    attributes: attributes.optional(),
    status: z.enum(['active', 'inactive']).optional(),
  }),
  updateMessage: z.object({ attributes: attributes }),
  addMember: z.object({
    identity: z.string().min(1).max(200),
    role: z.enum(['customer', 'agent', 'bot', 'system']).default('agent'),
    friendlyName: friendlyName.optional(),
  }),
  updateMember: z.object({ lastReadIndex: index }),

  // Socket payloads.
  sync: z.object({ afterIndex: index }),
  send: z.object({ clientId, body, attributes: attributes.optional() }),
  read: z.object({ index: index }),
  pageContext: z.object({ pageUrl: z.string().max(2000) }),
  channelRef: z.object({ channelSid: sid('CH') }),
  activity: z.object({ activity: z.enum(['Available', 'Unavailable', 'Offline']) }),
  reservationRef: z.object({ reservationSid: sid('WR') }),
  taskRef: z.object({ taskSid: sid('WT') }),
  transfer: z.object({
    taskSid: sid('WT'),
    queueSid: sid('WQ').optional(),
    workerSid: sid('WK').optional(),
    note: z.string().max(1000).optional(),
  }),
  empty: z.object({}),
};

/** Parses input, or throws a 400 naming the first bad field and what it should be. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, where = 'body'): z.infer<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = [where, ...(issue?.path ?? [])].join('.');
  throw new ParleyError('invalid_request', `${field}: ${issue?.message ?? 'invalid'}`, 400);
}

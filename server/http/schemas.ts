/**
 * Schemas of the REST API's bodies and queries (`/v1`, and the Twilio-shaped surface after it
 * has read its form into the same names). Every object is strict: a field Parley does not read
 * is a 400 naming it, never a 200 that silently changed nothing. Free-form JSON the caller owns
 * (`attributes`, `integration`, `parameters`, a bot flow's `definition`) stays open.
 */
import { z } from 'zod';
import { isEmailAddress } from '../core/email/address.ts';
import { allowedOriginEntry } from '../core/origins.ts';
import { parseExpression } from '../core/routing/expression.ts';
import { WRAP_UP_SECONDS } from '../core/routing/wrap-up.ts';
import {
  attributes,
  body,
  clientId,
  friendlyName,
  index,
  preEngagementData,
  sid,
  strictObject,
  stringMap,
} from '../schemas.ts';

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
/** A worker's activity: a built-in name, or an activity's sid (checked against the store). */
const workerActivity = z.union([activityName, z.string().regex(/^WA[0-9a-f]{32}$/)], {
  error: 'give Available, Unavailable, Offline or the sid (WA…) of an activity in GET /v1/Activities',
});

/**
 * Twilio's workflow JSON, as far as Parley routes by it. Strict too: a Twilio option Parley does
 * not implement (`skip_if`, `order_by`, …) would otherwise route differently without a word.
 */
const workflowConfiguration = strictObject({
  task_routing: strictObject({
    filters: z
      .array(
        strictObject({
          filter_friendly_name: z.string().min(1).max(200),
          expression,
          targets: z
            .array(
              strictObject({
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
    default_filter: strictObject({ queue: sid('WQ') }).optional(),
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
const widgetConfig = strictObject({
  preEngagementConfig: strictObject({
    description: z.string().max(1000).optional(),
    submitLabel: z.string().max(60).optional(),
    fields: z
      .array(
        strictObject({
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
  }).optional(),
  businessHours: strictObject({
    timezone: z.string().refine(knownTimezone, 'expected an IANA time zone, e.g. "Europe/Berlin"'),
    schedule: z
      .array(
        strictObject({
          days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).min(1),
          open: hhmm,
          close: hhmm,
        }),
      )
      .max(50),
  }).optional(),
  offlineMessage: z.string().max(1000).optional(),
  welcomeMessage: z.string().max(1000).optional(),
  teamLine: z.string().max(200).optional(),
  rating: strictObject({
    enabled: z.boolean(),
    question: z.string().min(1).max(200).optional(),
  }).optional(),
  fileAttachment: strictObject({
    enabled: z.boolean(),
    maxFileSize: z.number().int().min(1).max(50_000_000).optional(),
    acceptedExtensions: z.array(z.string().max(20)).max(50).optional(),
  }).optional(),
});

/** A Flex Flow's `integration`: free-form, but the keys Parley acts on are checked here. */
const integration = attributes.superRefine((value, ctx) => {
  const seconds = value.wrapUpSeconds;
  const { min, max } = WRAP_UP_SECONDS;
  if (
    seconds !== undefined &&
    !(Number.isInteger(seconds) && (seconds as number) >= min && (seconds as number) <= max)
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['wrapUpSeconds'],
      message: `expected a whole number of seconds from ${min} to ${max} after which a wrapping task completes by itself (leave it out for no limit); got ${JSON.stringify(seconds)}`,
    });
  }
});

/** An entry of a Flex Flow's allowedOrigins, stored as `allowedOriginEntry` puts it. */
const allowedOrigin = z
  .string()
  .max(300)
  .transform((value, ctx) => {
    const entry = allowedOriginEntry(value);
    if (entry !== null) return entry;
    ctx.addIssue({
      code: 'custom',
      message: `expected a full origin such as "https://shop.example.com" (scheme and host, no path), "*" for any or "self" for this server's own; got ${JSON.stringify(value)}`,
    });
    return z.NEVER;
  });

const flexFlowFields = {
  friendlyName,
  channelType: z.enum(['web', 'sms', 'whatsapp', 'facebook', 'custom', 'email']),
  contactIdentity: z.string().min(1).max(200),
  enabled: z.boolean(),
  integrationType: z.enum(['studio', 'task', 'external']),
  integration,
  longLived: z.boolean(),
  janitorEnabled: z.boolean(),
  allowedOrigins: z.array(allowedOrigin).max(100),
  widgetConfig,
  /** SMS / WhatsApp-style Flex Flows: where replies are POSTed and the token both sides sign with. */
  messagingConnector: strictObject({
    url: z.url('expected the provider\'s Messages endpoint, e.g. "https://provider.example.com/Messages"'),
    authToken: z.string().min(8, 'authToken: at least 8 characters').max(200),
  }).nullable(),
};
const flexFlow = strictObject({
  ...flexFlowFields,
  integration: flexFlowFields.integration.default({}),
  longLived: flexFlowFields.longLived.default(false),
  janitorEnabled: flexFlowFields.janitorEnabled.default(true),
  allowedOrigins: flexFlowFields.allowedOrigins.default([]),
  widgetConfig: flexFlowFields.widgetConfig.default({}),
  messagingConnector: flexFlowFields.messagingConnector.optional(),
}).refine((f) => f.channelType !== 'email' || isEmailAddress(f.contactIdentity), {
  path: ['contactIdentity'],
  message:
    'an email Flex Flow\'s contactIdentity is the address customers write to, e.g. "support@shop.example"',
});
const flexFlowPatch = strictObject(flexFlowFields).partial();

/**
 * Who the site says the visitor is, with its server's proof (see core/identity.ts). Not strict:
 * the widget forwards the object the site's page passed to `identify()`, which may carry more.
 */
const identify = z.object({
  userId: z.string().min(1).max(200),
  name: friendlyName.optional(),
  email: z.email('expected an email address, e.g. "dana@example.com"').max(200).optional(),
  userHash: z.string().max(128).optional(),
  jwt: z.string().max(4096).optional(),
});

export const schemas = {
  /** A list that takes no query parameters: anything in the query string is a mistake. */
  noQuery: strictObject({}),
  webChannel: strictObject({
    flexFlowSid: sid('FO'),
    customerFriendlyName: friendlyName.optional(),
    preEngagementData: preEngagementData.optional(),
    pageUrl: z.string().max(2000).optional(),
    token: z.string().max(2048).optional(),
    identify: identify.optional(),
  }),
  flow: strictObject({
    friendlyName,
    definition: z.unknown().refine((d) => d !== undefined, 'a flow needs a definition'),
  }),
  validateFlow: strictObject({ definition: z.unknown() }),
  startExecution: strictObject({ channelSid: sid('CH'), parameters: attributes.optional() }),
  webChannelConfig: strictObject({ flexFlowSid: sid('FO') }),
  offlineMessage: strictObject({
    flexFlowSid: sid('FO'),
    name: friendlyName,
    email: z.email('expected an email address, e.g. "dana@example.com"').max(200),
    body,
    pageUrl: z.string().max(2000).optional(),
    identify: identify.optional(),
  }),
  agentSession: strictObject({ username: z.string().min(1).max(200), password: z.string().min(1).max(200) }),
  createChannel: strictObject({
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
  postMessage: strictObject({
    from: z.string().min(1).max(200),
    body,
    clientId: clientId.optional(),
    attributes: attributes.optional(),
  }),
  listMessages: strictObject({
    afterIndex: z.coerce.number().int().min(-1).optional(),
    pageSize: z.coerce.number().int().min(1).max(1000).optional(),
  }),
  interaction: strictObject({
    channel: strictObject({
      type: z.enum(['sms', 'whatsapp', 'facebook', 'custom']),
      to: z.string().min(1).max(200),
      from: z.string().min(1).max(200).optional(),
      flexFlowSid: sid('FO').optional(),
    }),
    routing: strictObject({
      workflowSid: sid('WW').optional(),
      workerSid: sid('WK').optional(),
      attributes: attributes.optional(),
    }).optional(),
    body,
    creationOnMessage: z.boolean().default(false),
  }),
  listSessions: strictObject({
    status: z.enum(['open', 'closed']).optional(),
    channelSid: sid('CH').optional(),
  }),
  updateSession: strictObject({
    status: z.literal('closed', 'a session can only be closed: {"status":"closed"}'),
  }),
  flexFlow,
  /** An update: only the fields given change (no defaults fill in the others). */
  flexFlowPatch,
  worker: strictObject({
    friendlyName,
    username: z.string().min(1).max(200).optional(),
    password: z.string().min(4, 'a password needs at least 4 characters').max(200).optional(),
    activity: workerActivity.optional(),
    capacity: z.number().int().min(1).max(100).optional(),
    attributes: attributes.optional(),
    disabled: z.boolean().optional(),
  }),
  taskQueue: strictObject({ friendlyName, targetWorkers: expression.optional() }),
  workflow: strictObject({
    friendlyName,
    configuration: workflowConfiguration,
    taskReservationTimeout: z.number().int().min(1).max(86_400).optional(),
    reservationTimeoutActivity: activityName.nullable().optional(),
  }),
  updateTask: strictObject({
    attributes: attributes.optional(),
    priority: z.number().int().optional(),
    status: z.enum(['canceled', 'wrapping', 'completed']).optional(),
    reason: z.string().max(500).optional(),
  }),
  listTasks: strictObject({
    status: z.enum(['pending', 'reserved', 'assigned', 'wrapping', 'completed', 'canceled']).optional(),
    queueSid: sid('WQ').optional(),
    workerSid: sid('WK').optional(),
  }),
  updateReservation: strictObject({ status: z.enum(['accepted', 'rejected']) }),
  updateChannel: strictObject({
    friendlyName: friendlyName.optional(),
    attributes: attributes.optional(),
    status: z.enum(['active', 'inactive']).optional(),
  }),
  updateMessage: strictObject({ attributes: attributes }),
  addMember: strictObject({
    identity: z.string().min(1).max(200),
    role: z.enum(['customer', 'agent', 'bot', 'system']).default('agent'),
    friendlyName: friendlyName.optional(),
  }),
  updateMember: strictObject({ lastReadIndex: index }),
};

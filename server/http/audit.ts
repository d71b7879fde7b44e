/**
 * The admin audit log. `auditTrail` writes one event for every change made through the admin
 * API (`/v1`, after the admin guard): who (the console's worker or the admin key), what (the
 * request and its verb), when, and the resource before and after, with secrets left out. The
 * event is stored before the reply is sent, so a caller that saw its change succeed finds it
 * in the log on any node. `GET /v1/AuditEvents` reads the log, newest first.
 */
import type { RequestHandler, Response } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import type { Core, Logger } from '../core/index.ts';
import { workerView } from '../core/routing/views.ts';
import { parse, sid, strictObject } from '../schemas.ts';
import type { AuditActor, Store } from '../store/types.ts';
import { ADMIN_KEY_ACTOR } from './admin-auth.ts';
import { withoutCustomerData } from './audit-customer-data.ts';

const SECRET_KEY = /password|secret|token|apikey|privatekey/i;
export const REDACTED = '[redacted]';

/** A copy with the values of secret-looking keys replaced: the log is read by every admin. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      SECRET_KEY.test(key) && item !== null && item !== undefined ? REDACTED : redactSecrets(item, depth + 1),
    ]),
  );
}

/** How to read a resource as it is now, by the collection name in its URL. */
function currentOf(store: Store): Record<string, (sid: string) => Promise<unknown>> {
  return {
    Workers: async (sid) => {
      const worker = await store.workers.get(sid);
      return worker && workerView(worker);
    },
    TaskQueues: (sid) => store.queues.get(sid),
    Workflows: (sid) => store.workflows.get(sid),
    FlexFlows: (sid) => store.flexFlows.get(sid),
    Flows: (sid) => store.flows.get(sid),
    Channels: (sid) => store.channels.get(sid),
    Tasks: (sid) => store.tasks.get(sid),
    ApiKeys: (sid) => store.apiKeys.get(sid),
    Activities: (sid) => store.activities.get(sid),
  };
}

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

/** `create` (POST to a collection), `delete`, or `update`. */
function actionOf(method: string, segments: string[]): string {
  if (method === 'DELETE') return 'delete';
  return method === 'POST' && segments.length % 2 === 1 ? 'create' : 'update';
}

const sidOf = (value: unknown) =>
  value && typeof value === 'object' && typeof (value as { sid?: unknown }).sid === 'string'
    ? (value as { sid: string }).sid
    : null;

export function auditTrail(store: Store, log: Logger): RequestHandler {
  const current = currentOf(store);
  return async (req, res, next) => {
    // A check such as POST /Flows/validate changes nothing: its path has a lowercase verb.
    if (!MUTATING.has(req.method) || /\/[a-z]+(\/|$)/.test(req.path)) {
      next();
      return;
    }
    const segments = req.path.split('/').filter(Boolean);
    const [collection = '', resourceSid = null] = segments;
    const read = segments.length === 2 ? current[collection] : undefined;
    let before: unknown = null;
    try {
      before = read && resourceSid ? ((await read(resourceSid)) ?? null) : null;
    } catch (err) {
      next(err);
      return;
    }
    const actor: AuditActor = res.locals.adminActor ?? ADMIN_KEY_ACTOR;
    beforeReply(res, async (after) => {
      if (res.statusCode >= 400) return;
      const created = actionOf(req.method, segments) === 'create';
      const resourceType = segments.filter((_, i) => i % 2 === 0).join('/');
      try {
        await store.audit.record({
          actor,
          action: actionOf(req.method, segments),
          resourceType,
          resourceSid: created ? sidOf(after) : resourceSid,
          request: `${req.method} ${req.baseUrl}${req.path}`,
          // A message posted or a channel changed here is a customer's conversation: the same
          // rule as the Twilio-shaped trail keeps its text out of a log that outlives erasure.
          before: redactSecrets(withoutCustomerData(resourceType, before)),
          after: redactSecrets(withoutCustomerData(resourceType, after ?? null)),
        });
      } catch (err) {
        // The change is made; the reply still goes out, and the gap is in the server's log.
        log.error({ err, method: req.method, path: req.path }, 'audit event not recorded');
      }
    });
    next();
  };
}

/** Replies a trail already watches: a request the Twilio-shaped router passes on is one event. */
const watched = new WeakSet<Response>();

/**
 * Runs `record` with the reply's JSON body (null for a reply without one) before the reply is
 * sent, once, so a caller that saw its change succeed finds the event in the log. The first
 * trail to watch a reply records it; any later one is not installed.
 */
export function beforeReply(res: Response, record: (body: unknown) => Promise<void>): void {
  if (watched.has(res)) return;
  watched.add(res);
  let recorded = false;
  const json = res.json.bind(res);
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.json = (body: unknown) => {
    if (recorded) return json(body);
    recorded = true;
    void record(body).then(() => json(body));
    return res;
  };
  res.end = ((...args: unknown[]) => {
    if (recorded) return end(...args);
    recorded = true;
    void record(null).then(() => end(...args));
    return res;
  }) as Response['end'];
}

const auditQuery = strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z
    .string()
    .regex(/^AE[0-9a-f]{32}$/, 'expected an AE… sid from a previous page')
    .optional(),
  resourceSid: z.string().max(64).optional(),
  workerSid: sid('WK').optional(),
});

/** `GET /v1/AuditEvents?limit=&before=&resourceSid=&workerSid=`: newest first. */
export function auditEventsRouter(core: Pick<Core, 'store'>): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const { limit, before, resourceSid, workerSid } = parse(auditQuery, req.query, 'query');
    const auditEvents = await core.store.audit.list({ limit, beforeSid: before, resourceSid, workerSid });
    const last = auditEvents.length === limit ? auditEvents[auditEvents.length - 1]?.sid : undefined;
    res.json({ auditEvents, meta: { pageSize: auditEvents.length, ...(last && { nextBefore: last }) } });
  });
  return router;
}

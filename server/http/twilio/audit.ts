/**
 * The audit trail of the Twilio-shaped surface: every change made through it (create, update,
 * delete of Flex Flows, channels, web channels, interactions, TaskRouter resources, Studio flows
 * and executions, conversations and their messages and participants) is written to the same
 * audit log as Parley's own admin routes, before the reply is sent.
 *
 * The resource is named as in Twilio's URL, without the one workspace's prefix (`Workers`,
 * `Tasks/Reservations`, `Conversations/Messages`, `Flows/Executions`); the request keeps the
 * full path. Before and after are Parley's records of the resource, read from the store, so an
 * event looks the same whichever surface made the change; a resource the store cannot be asked
 * for by its sid alone keeps the reply as its after. Customer text is left out of both
 * (audit-customer-data.ts): a message is recorded without its body or media, and a channel's,
 * conversation's or task's attributes by their key names only.
 */
import type { Request, RequestHandler } from 'express';
import { workerView } from '../../core/routing/views.ts';
import type { Logger } from '../../logger.ts';
import type { Store } from '../../store/types.ts';
import { ADMIN_KEY_ACTOR, apiKeyActor, apiKeyOf } from '../admin-auth.ts';
import { beforeReply, redactSecrets } from '../audit.ts';
import { withoutCustomerData } from '../audit-customer-data.ts';

const MUTATING = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const VERSION_AND_WORKSPACE = /^\/v[12](\/Workspaces\/WS[0-9a-fA-F]{32}(?=\/))?/;

/** Parley's record of a resource, by its sid's prefix; `channelSid` for those under a channel. */
function recordReader(store: Store) {
  const bySid: Record<string, (sid: string, channelSid: string | null) => Promise<unknown>> = {
    WK: async (sid) => {
      const worker = await store.workers.get(sid);
      return worker && workerView(worker);
    },
    WQ: (sid) => store.queues.get(sid),
    WW: (sid) => store.workflows.get(sid),
    WT: (sid) => store.tasks.get(sid),
    WR: (sid) => store.reservations.get(sid),
    FO: (sid) => store.flexFlows.get(sid),
    FW: (sid) => store.flows.get(sid),
    FN: (sid) => store.executions.get(sid),
    CH: (sid) => store.channels.get(sid),
    IM: async (sid, channelSid) => (channelSid ? store.messages.get(channelSid, sid) : undefined),
  };
  /** The record, null when it does not exist, undefined when the store is not asked for it. */
  return async (sid: string | null, channelSid: string | null): Promise<unknown> => {
    const read = sid ? bySid[sid.slice(0, 2)] : undefined;
    return read ? ((await read(sid as string, channelSid)) ?? null) : undefined;
  };
}

interface Target {
  resourceType: string;
  /** The resource's own sid (null for a create, until the reply names it). */
  sid: string | null;
  channelSid: string | null;
  action: 'create' | 'update' | 'delete';
}

/** What a Twilio-shaped path changes: `/v1/Workspaces/WS…/Tasks/WT…` is an update of Tasks. */
function targetOf(req: Request): Target {
  const segments = req.path.replace(VERSION_AND_WORKSPACE, '').split('/').filter(Boolean);
  const creates = req.method === 'POST' && segments.length % 2 === 1;
  return {
    resourceType: segments.filter((_, i) => i % 2 === 0).join('/'),
    sid: creates ? null : (segments[segments.length - 1] ?? null),
    channelSid: segments.find((segment) => /^CH[0-9a-f]{32}$/.test(segment)) ?? null,
    action: req.method === 'DELETE' ? 'delete' : creates ? 'create' : 'update',
  };
}

const sidOf = (body: unknown) =>
  body && typeof body === 'object' && typeof (body as { sid?: unknown }).sid === 'string'
    ? (body as { sid: string }).sid
    : null;

export function twilioAuditTrail(store: Store, log: Logger): RequestHandler {
  const readRecord = recordReader(store);
  return async (req, res, next) => {
    // As in Parley's own trail: a check such as POST /v1/Flows/validate (a lowercase verb in its
    // path, reached here with Basic credentials) changes nothing.
    if (!MUTATING.has(req.method) || /\/[a-z]+(\/|$)/.test(req.path)) return next();
    const target = targetOf(req);
    let before: unknown;
    try {
      before = target.sid ? ((await readRecord(target.sid, target.channelSid)) ?? null) : null;
    } catch (err) {
      return next(err);
    }
    const key = apiKeyOf(req);
    // Routers below rewrite req.path as they mount; the request is named as the caller sent it.
    const request = `${req.method} ${req.path}`;
    beforeReply(res, async (reply) => {
      if (res.statusCode >= 400) return;
      try {
        const resourceSid = target.sid ?? sidOf(reply);
        const stored = target.action === 'delete' ? null : await readRecord(resourceSid, target.channelSid);
        await store.audit.record({
          actor: key ? apiKeyActor(key) : ADMIN_KEY_ACTOR,
          action: target.action,
          resourceType: target.resourceType,
          resourceSid,
          request,
          before: redactSecrets(withoutCustomerData(target.resourceType, before)),
          after: redactSecrets(
            withoutCustomerData(target.resourceType, stored === undefined ? (reply ?? null) : stored),
          ),
        });
      } catch (err) {
        // The change is made; the reply still goes out, and the gap is in the server's log.
        log.error({ err, method: req.method, path: req.path }, 'audit event not recorded');
      }
    });
    next();
  };
}

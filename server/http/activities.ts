/**
 * `/v1/Activities`: the activities an agent can be in — the three built-ins (Available,
 * Unavailable, Offline) first, then the custom ones an admin defines (Break, Training…) — with
 * whether routing offers them chats and how many agents are in each now. Admins create, rename,
 * change and delete custom ones; the built-ins are refused with 409 `built_in`, and a custom
 * activity with agents in it with 409 `activity_in_use`. Agents read the list with their
 * session token (the desk's Activity menu). Sids are the same `WA…` as at the Twilio-shaped
 * `/v1/Workspaces/WS…/Activities`.
 */
import { type RequestHandler, Router } from 'express';
import { z } from 'zod';
import type { Core } from '../core/index.ts';
import { parse, strictObject } from '../schemas.ts';
import type { AdminSessions } from './admin-session.ts';
import { staffViewer } from './staff-auth.ts';

export type { ActivityView } from '../core/routing/activities.ts';

const friendlyName = z.string({ error: 'friendlyName: give the activity a name (1 to 64 characters)' });
const available = z.boolean({ error: 'available: true if routing offers chats to agents in it, else false' });
const create = strictObject({ friendlyName, available });
const update = strictObject({ friendlyName: friendlyName.optional(), available: available.optional() });

/** The list, for every staff credential: agents need it to choose an activity. */
export function activityListRouter(core: Core, adminKey: string, adminSessions: AdminSessions): Router {
  const router = Router();
  const viewerOf = staffViewer(core, adminKey, 'The list of activities needs', adminSessions);
  router.get('/v1/Activities', async (req, res) => {
    await viewerOf(req);
    parse(strictObject({}), req.query, 'query');
    const activities = await core.routing.activities.list();
    res.json({ activities, meta: { pageSize: activities.length } });
  });
  return router;
}

/** Everything else, behind the admin guard (and so in the audit log). */
export function activitiesRouter(core: Pick<Core, 'routing'>): Router {
  const router = Router();
  const { activities } = core.routing;
  router.get('/:sid', async (req, res) => {
    res.json(await activities.get(req.params.sid));
  });
  router.post('/', async (req, res) => {
    res.status(201).json(await activities.create(parse(create, req.body)));
  });
  const change: RequestHandler<{ sid: string }> = async (req, res) => {
    res.json(await activities.update(req.params.sid, parse(update, req.body)));
  };
  router.post('/:sid', change);
  router.patch('/:sid', change);
  router.delete('/:sid', async (req, res) => {
    await activities.delete(req.params.sid);
    res.status(204).end();
  });
  return router;
}

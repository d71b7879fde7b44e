/**
 * `/v1/Activities` (admin): the activities an agent can be in, with whether routing offers
 * them chats and how many agents are in each now. They are fixed — Available, Unavailable,
 * Offline — because routing, the desk and the Twilio-shaped surface depend on exactly these;
 * creating, renaming or deleting one is refused with a message saying so. Sids are the same
 * `WA…` as at the Twilio-shaped `/v1/Workspaces/WS…/Activities`.
 */
import { Router } from 'express';
import type { Core } from '../core/index.ts';
import { notFound, ParleyError } from '../errors.ts';
import type { Activity } from '../protocol.ts';
import { parse, strictObject } from '../schemas.ts';
import { ACTIVITIES, activityBySid, activitySid } from './twilio/taskrouter-views.ts';

export interface ActivityView {
  sid: string;
  friendlyName: Activity;
  /** Routing offers chats to agents in it. */
  available: boolean;
  /** Agents in it now. */
  workers: number;
}

const fixed = () =>
  new ParleyError(
    'fixed_activities',
    'Parley has three fixed activities (Available, Unavailable, Offline): routing offers chats to agents who are Available, and the agent desktop and Twilio-shaped API use these names, so activities cannot be created, renamed or deleted',
    409,
  );

export function activitiesRouter(core: Pick<Core, 'store'>): Router {
  const router = Router();
  async function views(): Promise<ActivityView[]> {
    const workers = await core.store.workers.list();
    return ACTIVITIES.map((name) => ({
      sid: activitySid(name),
      friendlyName: name,
      available: name === 'Available',
      workers: workers.filter((w) => !w.disabled && w.activity === name).length,
    }));
  }
  router.get('/', async (req, res) => {
    parse(strictObject({}), req.query, 'query');
    const activities = await views();
    res.json({ activities, meta: { pageSize: activities.length } });
  });
  router.get('/:sid', async (req, res) => {
    const name = activityBySid(req.params.sid);
    const view = name && (await views()).find((a) => a.friendlyName === name);
    if (!view) throw notFound('Activity', req.params.sid);
    res.json(view);
  });
  router.post('/', () => {
    throw fixed();
  });
  router.all('/:sid', (req) => {
    if (!activityBySid(req.params.sid)) throw notFound('Activity', req.params.sid);
    throw fixed();
  });
  return router;
}

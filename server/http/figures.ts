/**
 * `GET /v1/Figures?hours=8&bucketMinutes=15&queueSid=WQ…`: supervisors' figures over the last
 * hours, from stored task events. For supervisors (an agent session token of a worker whose
 * `roles` has "supervisor") and the admin key; any other agent is refused with 403. Mounted
 * before the admin guard, so it checks both credentials itself.
 */
import { type Request, Router } from 'express';
import { z } from 'zod';
import { MAX_FIGURE_HOURS } from '../core/figures.ts';
import type { Core } from '../core/index.ts';
import { isSupervisor } from '../core/routing/supervision.ts';
import { forbidden, notFound, ParleyError } from '../errors.ts';
import { parse, sid, strictObject } from '../schemas.ts';
import { adminCheck } from './admin-auth.ts';

const query = strictObject({
  hours: z.coerce
    .number()
    .positive('hours must be more than 0')
    .max(MAX_FIGURE_HOURS, `hours is at most ${MAX_FIGURE_HOURS}`)
    .default(8),
  bucketMinutes: z.coerce
    .number()
    .int('bucketMinutes must be a whole number of minutes')
    .min(1, 'bucketMinutes is at least 1')
    .max(240, 'bucketMinutes is at most 240')
    .optional(),
  queueSid: sid('WQ').optional(),
});

export function figuresRouter(core: Core, adminKey: string): Router {
  const router = Router();
  const isAdmin = adminCheck(adminKey);

  async function assertSupervisor(req: Request) {
    const token = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    const worker = token ? await core.agents.authenticate(token) : null;
    if (worker) {
      if (!isSupervisor(worker))
        throw forbidden(
          'Figures are for supervisors: give the worker the "supervisor" role in attributes.roles',
        );
      return;
    }
    if (isAdmin(req)) return;
    throw new ParleyError(
      'unauthorized',
      'Figures need Authorization: Bearer <PARLEY_ADMIN_KEY>, or a supervisor session token',
      401,
    );
  }

  router.get('/v1/Figures', async (req, res) => {
    await assertSupervisor(req);
    const { hours, bucketMinutes, queueSid } = parse(query, req.query, 'query');
    if (queueSid && !(await core.store.queues.get(queueSid))) throw notFound('TaskQueue', queueSid);
    res.json(await core.figures.compute({ hours, bucketMinutes, queueSid }));
  });
  return router;
}

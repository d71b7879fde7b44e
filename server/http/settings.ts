/**
 * `/v1/Settings/Retention` (admin): how long conversations are kept, for every node. `GET`
 * answers the policy in force, where it comes from (an admin's setting or
 * PARLEY_RETENTION_DAYS) and, in words, what it deletes; `POST` (or PATCH) `{ days }` sets it
 * (1–3650, or null to keep conversations). Changes are in the audit log like every `/v1` one.
 */
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Core } from '../core/index.ts';
import { RETENTION_MAX_DAYS, RETENTION_MIN_DAYS } from '../core/retention.ts';
import { parse, strictObject } from '../schemas.ts';

const retention = strictObject({
  days: z
    .number({
      error: `expected a whole number of days (${RETENTION_MIN_DAYS}–${RETENTION_MAX_DAYS}) or null`,
    })
    .int(`expected a whole number of days (${RETENTION_MIN_DAYS}–${RETENTION_MAX_DAYS}) or null`)
    .min(RETENTION_MIN_DAYS, `at least ${RETENTION_MIN_DAYS} day; null keeps conversations`)
    .max(RETENTION_MAX_DAYS, `at most ${RETENTION_MAX_DAYS} days (ten years); null keeps conversations`)
    .nullable(),
});

export function settingsRouter(core: Pick<Core, 'retention'>): Router {
  const router = Router();
  router.get('/Retention', async (req, res) => {
    parse(strictObject({}), req.query, 'query');
    res.json(await core.retention.policy());
  });
  const update = async (req: Request, res: Response) => {
    const { days } = parse(retention, req.body);
    res.json(await core.retention.setDays(days));
  };
  router.post('/Retention', update);
  router.patch('/Retention', update);
  return router;
}

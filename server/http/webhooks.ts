/**
 * `/v1/Webhooks` (admin): managed event webhooks. Create (the secret is generated and shown in
 * that answer only), list, get, update (POST or PATCH: url, events, enabled, `rotateSecret`),
 * delete; `/v1/Webhooks/:sid/Deliveries` lists the newest recorded deliveries and
 * `POST /v1/Webhooks/:sid/Deliveries/:deliverySid/Resend` sends one again. The webhook set by
 * PARLEY_WEBHOOK_URL is listed read-only.
 */
import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Core } from '../core/index.ts';
import { WEBHOOK_EVENTS } from '../core/webhooks.ts';
import { parse, sid, strictObject } from '../schemas.ts';
import { DELIVERIES_KEPT } from '../store/webhooks.ts';

const url = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'expected an http(s) URL, e.g. https://crm.example.com/parley-events');
const events = z
  .array(z.enum(WEBHOOK_EVENTS, { error: () => `expected one of ${WEBHOOK_EVENTS.join(', ')}` }))
  .min(1, `choose at least one event: ${WEBHOOK_EVENTS.join(', ')}`)
  .transform((list) => [...new Set(list)]);

const schemas = {
  create: strictObject({ url, events, enabled: z.boolean().optional() }),
  update: strictObject({ url, events, enabled: z.boolean(), rotateSecret: z.boolean() }).partial(),
  webhook: z.object({ sid: sid('WH') }),
  delivery: z.object({ sid: sid('WH'), deliverySid: sid('WD') }),
  deliveriesQuery: strictObject({
    limit: z.coerce.number().int().min(1).max(DELIVERIES_KEPT).default(DELIVERIES_KEPT),
  }),
};

export function webhooksRouter(core: Pick<Core, 'webhooks'>): Router {
  const { webhooks } = core;
  const router = Router();
  router.post('/', async (req, res) => {
    res.status(201).json(await webhooks.create(parse(schemas.create, req.body)));
  });
  router.get('/', async (req, res) => {
    parse(strictObject({}), req.query, 'query');
    const list = await webhooks.list();
    res.json({ webhooks: list, events: WEBHOOK_EVENTS, meta: { pageSize: list.length } });
  });
  router.get('/:sid', async (req, res) => {
    const { sid } = parse(schemas.webhook, req.params, 'path');
    res.json(await webhooks.get(sid));
  });
  const update = async (req: Request, res: Response) => {
    const { sid } = parse(schemas.webhook, req.params, 'path');
    res.json(await webhooks.update(sid, parse(schemas.update, req.body)));
  };
  router.post('/:sid', update);
  router.patch('/:sid', update);
  router.delete('/:sid', async (req, res) => {
    const { sid } = parse(schemas.webhook, req.params, 'path');
    await webhooks.delete(sid);
    res.status(204).end();
  });
  router.get('/:sid/Deliveries', async (req, res) => {
    const { sid } = parse(schemas.webhook, req.params, 'path');
    const { limit } = parse(schemas.deliveriesQuery, req.query, 'query');
    const deliveries = await webhooks.deliveries(sid, limit);
    res.json({ deliveries, meta: { pageSize: deliveries.length } });
  });
  router.post('/:sid/Deliveries/:deliverySid/Resend', async (req, res) => {
    const { sid, deliverySid } = parse(schemas.delivery, req.params, 'path');
    parse(strictObject({}), req.body);
    res.status(201).json(await webhooks.resend(sid, deliverySid));
  });
  return router;
}

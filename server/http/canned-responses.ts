/**
 * `/v1/CannedResponses`: create, list, get, update (POST or PATCH), delete. Two callers:
 * the admin key (every response; shared ones, or an agent's with `workerSid`) and a signed-in
 * agent's session token (the shared ones to read, their own to manage), which is how the desk
 * loads and saves them. Mounted before the admin guard, so it checks both itself.
 */
import { type Request, Router } from 'express';
import { z } from 'zod';
import { createCannedResponses } from '../core/canned-responses.ts';
import type { Core } from '../core/index.ts';
import { body, parse, sid, strictObject } from '../schemas.ts';
import type { AdminSessions } from './admin-session.ts';
import { staffViewer } from './staff-auth.ts';

const shortcut = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,31}$/,
    'expected 1–32 lowercase letters, digits, - or _, starting with a letter or digit (e.g. refund-policy)',
  );
const title = z.string().trim().min(1, 'a canned response needs a title').max(100);

const schemas = {
  create: strictObject({ shortcut, title, body, workerSid: sid('WK').nullable().optional() }),
  patch: strictObject({ shortcut, title, body }).partial(),
  listQuery: strictObject({ workerSid: sid('WK').optional() }),
};

export function cannedResponsesRouter(core: Core, adminKey: string, adminSessions?: AdminSessions): Router {
  const router = Router();
  const responses = createCannedResponses({ store: core.store });
  const viewerOf = staffViewer(core, adminKey, 'Canned responses need', adminSessions);

  router.post('/', async (req, res) => {
    const viewer = await viewerOf(req);
    res.status(201).json(await responses.create(viewer, parse(schemas.create, req.body)));
  });
  router.get('/', async (req, res) => {
    const viewer = await viewerOf(req);
    const cannedResponses = await responses.list(viewer, parse(schemas.listQuery, req.query, 'query'));
    res.json({ cannedResponses, meta: { pageSize: cannedResponses.length } });
  });
  router.get('/:sid', async (req, res) => {
    res.json(await responses.get(await viewerOf(req), req.params.sid));
  });
  const update = async (req: Request<{ sid: string }>, res: import('express').Response) => {
    const viewer = await viewerOf(req);
    res.json(await responses.update(viewer, req.params.sid, parse(schemas.patch, req.body)));
  };
  router.post('/:sid', update);
  router.patch('/:sid', update);
  router.delete('/:sid', async (req, res) => {
    await responses.delete(await viewerOf(req), req.params.sid);
    res.status(204).end();
  });
  return router;
}

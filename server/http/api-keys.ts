/**
 * `/v1/ApiKeys` (behind the admin guard): create a named key (its secret is answered once),
 * list keys with when each was last used (never a secret), fetch one, revoke one (DELETE).
 * Only the admin key or an admin console session manages keys; a caller authenticated by an
 * API key gets 403 (admin-auth.ts `refuseApiKeys`).
 * The audit trail records creation and revocation, with the secret left out.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { ApiKeys } from '../core/api-keys.ts';
import { parse, sid, strictObject } from '../schemas.ts';
import { refuseApiKeys } from './admin-auth.ts';

const schemas = {
  create: strictObject({
    friendlyName: z
      .string()
      .trim()
      .min(1, 'an API key needs a name saying what uses it, e.g. "billing sync"')
      .max(64, 'at most 64 characters'),
  }),
  keySid: sid('SK'),
};

export function apiKeysRouter(apiKeys: ApiKeys): Router {
  const router = Router();
  router.use(refuseApiKeys());
  router.post('/', async (req, res) => {
    const { friendlyName } = parse(schemas.create, req.body);
    res.status(201).json(await apiKeys.create(friendlyName));
  });
  router.get('/', async (_req, res) => {
    const keys = await apiKeys.list();
    res.json({ apiKeys: keys, meta: { pageSize: keys.length } });
  });
  router.get('/:sid', async (req, res) => {
    res.json(await apiKeys.get(parse(schemas.keySid, req.params.sid, 'path.sid')));
  });
  router.delete('/:sid', async (req, res) => {
    await apiKeys.revoke(parse(schemas.keySid, req.params.sid, 'path.sid'));
    res.status(204).end();
  });
  return router;
}

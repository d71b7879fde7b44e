/** `/v1/FlexFlows`: create, list, get, update (POST or PATCH), delete. */
import { Router } from 'express';
import type { Core } from '../core/index.ts';
import { notFound } from '../errors.ts';
import { parse } from '../schemas.ts';
import { schemas } from './schemas.ts';

export function flexFlowsRouter(core: Core): Router {
  const router = Router();
  const get = async (sid: string) => {
    const flexFlow = await core.store.flexFlows.get(sid);
    if (!flexFlow) throw notFound('Flex Flow', sid);
    return flexFlow;
  };

  router.post('/', async (req, res) => {
    res.status(201).json(await core.flexFlows.create(parse(schemas.flexFlow, req.body)));
  });
  router.get('/', async (req, res) => {
    parse(schemas.noQuery, req.query, 'query');
    const flexFlows = await core.store.flexFlows.list();
    res.json({ flexFlows, meta: { pageSize: flexFlows.length } });
  });
  router.get('/:sid', async (req, res) => {
    res.json(await get(req.params.sid));
  });
  const update = async (req: import('express').Request<{ sid: string }>, res: import('express').Response) => {
    await get(req.params.sid);
    const patch = parse(schemas.flexFlowPatch, req.body);
    res.json(await core.flexFlows.update(req.params.sid, patch));
  };
  router.post('/:sid', update);
  router.patch('/:sid', update);
  router.delete('/:sid', async (req, res) => {
    await get(req.params.sid);
    await core.store.flexFlows.delete(req.params.sid);
    res.status(204).end();
  });
  return router;
}

/** `/v1/Sessions`: proxy sessions, listed (`?status=open|closed`, `?channelSid=`), read and closed. */
import { type Request, type Response, Router } from 'express';
import type { Core } from '../core/index.ts';
import { notFound } from '../errors.ts';
import { parse } from '../schemas.ts';
import { schemas } from './schemas.ts';

export function sessionsRouter(core: Core): Router {
  const { store, messaging } = core;
  const router = Router();

  router.get('/', async (req, res) => {
    const filter = parse(schemas.listSessions, req.query, 'query');
    const sessions = await store.proxySessions.list(filter);
    res.json({ sessions, meta: { pageSize: sessions.length } });
  });
  router.get('/:sid', async (req, res) => {
    const session = await store.proxySessions.get(req.params.sid);
    if (!session) throw notFound('Session', req.params.sid);
    res.json(session);
  });
  const update = async (req: Request<{ sid: string }>, res: Response) => {
    parse(schemas.updateSession, req.body);
    res.json(await messaging.sessions.close(req.params.sid));
  };
  router.post('/:sid', update);
  router.patch('/:sid', update);
  router.delete('/:sid', async (req, res) => {
    await messaging.sessions.close(req.params.sid);
    res.status(204).end();
  });
  return router;
}

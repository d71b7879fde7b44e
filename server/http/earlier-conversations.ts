/**
 * `GET /v1/Channels/:channelSid/EarlierConversations` and
 * `GET /v1/Channels/:channelSid/EarlierConversations/:earlierSid`: the customer's earlier
 * conversations the desk's context panel lists, and the read-only transcript of one. Two
 * callers, like search: the admin key, or an agent's session token (the agent holding the
 * chat, or a supervisor; see core/earlier-conversations.ts). Mounted before the admin guard,
 * so it checks both.
 */
import { Router } from 'express';
import { createEarlierConversations } from '../core/earlier-conversations.ts';
import type { Core } from '../core/index.ts';
import { parse, sid } from '../schemas.ts';
import { staffViewer } from './staff-auth.ts';

const channelSid = sid('CH');

export function earlierConversationsRouter(core: Core, adminKey: string): Router {
  const router = Router();
  const earlier = createEarlierConversations({ store: core.store });
  const viewerOf = staffViewer(core, adminKey, "A customer's earlier conversations need");

  router.get('/v1/Channels/:channelSid/EarlierConversations', async (req, res) => {
    const viewer = await viewerOf(req);
    res.json(await earlier.list(viewer, parse(channelSid, req.params.channelSid, 'channelSid')));
  });
  router.get('/v1/Channels/:channelSid/EarlierConversations/:earlierSid', async (req, res) => {
    const viewer = await viewerOf(req);
    res.json(
      await earlier.transcript(
        viewer,
        parse(channelSid, req.params.channelSid, 'channelSid'),
        parse(channelSid, req.params.earlierSid, 'earlierSid'),
      ),
    );
  });
  return router;
}

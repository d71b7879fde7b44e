/**
 * `GET /v1/ConversationSearch?query=…` and `GET /v1/Transcripts/:channelSid`: the desk's
 * "Search conversations" and the read-only transcript a result opens. Two callers, like
 * canned responses: the admin key (every conversation) and an agent's session token (their
 * own conversations; a supervisor's, all). Mounted before the admin guard, so it checks both.
 */
import { Router } from 'express';
import { z } from 'zod';
import { createConversationSearch } from '../core/conversation-search.ts';
import type { Core } from '../core/index.ts';
import { parse, strictObject } from '../schemas.ts';
import { staffViewer } from './staff-auth.ts';

const schemas = {
  search: strictObject({
    query: z
      .string()
      .trim()
      .min(2, 'query needs at least 2 characters (a name, an address or words of a message)')
      .max(100, 'query is at most 100 characters'),
    page: z.coerce.number().int().min(0).max(1000).default(0),
    pageSize: z.coerce.number().int().min(1).max(50).default(20),
  }),
  transcript: strictObject({ afterIndex: z.coerce.number().int().min(-1).default(-1) }),
};

export function searchRouter(core: Core, adminKey: string): Router {
  const router = Router();
  const search = createConversationSearch({ store: core.store });
  const viewerOf = staffViewer(core, adminKey, 'Searching conversations needs');

  router.get('/v1/ConversationSearch', async (req, res) => {
    const viewer = await viewerOf(req);
    res.json(await search.search(viewer, parse(schemas.search, req.query, 'query')));
  });
  router.get('/v1/Transcripts/:channelSid', async (req, res) => {
    const viewer = await viewerOf(req);
    const { afterIndex } = parse(schemas.transcript, req.query, 'query');
    res.json(await search.transcript(viewer, req.params.channelSid, afterIndex));
  });
  return router;
}

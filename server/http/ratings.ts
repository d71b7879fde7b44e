/**
 * Ratings over HTTP. The widget's two calls on an existing conversation, public like the rest
 * of `/v1/WebChannels` (Origin-checked, rate-limited, the session token in the JSON body since
 * cross-origin requests carry no Authorization header): `POST /v1/WebChannels/Ratings` rates
 * the ended chat, `POST /v1/WebChannels/History` reads a verified visitor's earlier
 * conversations (an anonymous visitor's list is empty).
 * For supervisors, behind the admin guard: `GET /v1/Ratings` (newest first, with the figures).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Core } from '../core/index.ts';
import { createRatings } from '../core/ratings.ts';
import { visitorHistory } from '../core/visitor-history.ts';
import { visitorSessionOf } from '../core/visitor-session.ts';
import type { RatingDTO } from '../protocol.ts';
import { parse, sid, strictObject } from '../schemas.ts';
import { contextOf, limiter, type PublicLimits } from './public.ts';

const token = z.string().min(1, 'token: send the session token POST /v1/WebChannels gave').max(2048);
const schemas = {
  rate: strictObject({
    token,
    score: z.number().int().min(1, 'expected 1 to 5 stars').max(5, 'expected 1 to 5 stars'),
    comment: z.string().max(2000, 'a comment is at most 2,000 characters').optional(),
  }),
  history: strictObject({ token }),
  listQuery: strictObject({
    flexFlowSid: sid('FO').optional(),
    workerSid: sid('WK').optional(),
    since: z.iso.datetime({ message: 'expected an ISO time, e.g. 2026-01-31T00:00:00Z' }).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  }),
};

/** The widget's rating and history calls (mount with the public routes). */
export function visitorRatingsRouter(core: Core, limits: PublicLimits): Router {
  const router = Router();
  const ratings = createRatings(core);
  const perMinute = limiter(
    core,
    'visitor-ratings',
    limits.webChannelsPerMinute,
    'Too many requests from this address: wait a minute and try again',
  );
  const sessionOf = (req: import('express').Request, value: string) =>
    visitorSessionOf(core, value, contextOf(req, core.publicUrl));

  router.post('/v1/WebChannels/Ratings', perMinute, async (req, res) => {
    const { token: value, ...input } = parse(schemas.rate, req.body);
    const rating: RatingDTO = await ratings.rate(await sessionOf(req, value), input);
    res.status(201).json(rating);
  });
  router.post('/v1/WebChannels/History', perMinute, async (req, res) => {
    const { token: value } = parse(schemas.history, req.body);
    res.json(await visitorHistory(core.store, await sessionOf(req, value)));
  });
  return router;
}

/** `GET /v1/Ratings?flexFlowSid=&workerSid=&since=&limit=&offset=` (admin). */
export function ratingsRouter(core: Core): Router {
  const router = Router();
  const ratings = createRatings(core);
  router.get('/', async (req, res) => {
    const { limit, offset, ...filter } = parse(schemas.listQuery, req.query, 'query');
    const { ratings: page, summary } = await ratings.list(filter, { limit, offset });
    res.json({ ratings: page, meta: { pageSize: page.length, offset, ...summary } });
  });
  return router;
}

/**
 * The public endpoints: `POST /v1/WebChannels` (the widget's way in, Origin-checked) and
 * `POST /v1/AgentSessions` (agent sign-in). Both are rate-limited per IP.
 */
import { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Core } from '../core/index.ts';
import { parse, schemas } from '../schemas.ts';

export interface PublicLimits {
  /** Sign-in attempts per IP per minute. */
  signInPerMinute: number;
  /** Channels opened per IP per minute. */
  webChannelsPerMinute: number;
}

const limiter = (limit: number, message: string) =>
  rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json({ code: 'rate_limited', message, status: 429 });
    },
  });

export function publicRouter(core: Core, limits: PublicLimits): Router {
  const router = Router();

  router.post(
    '/v1/WebChannels',
    limiter(
      limits.webChannelsPerMinute,
      'Too many chats opened from this address: wait a minute and try again',
    ),
    async (req, res) => {
      const request = parse(schemas.webChannel, req.body);
      const session = await core.webChannels.open(request, {
        origin: req.get('origin'),
        host: req.get('host'),
        userAgent: req.get('user-agent'),
      });
      res.status(201).json(session);
    },
  );

  router.post(
    '/v1/AgentSessions',
    limiter(limits.signInPerMinute, 'Too many sign-in attempts: wait a minute and try again'),
    async (req, res) => {
      const { username, password } = parse(schemas.agentSession, req.body);
      res.status(201).json(await core.agents.signIn(username, password));
    },
  );

  return router;
}

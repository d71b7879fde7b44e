/**
 * The public endpoints: `/v1/WebChannels` (the widget's way in: open a chat, its settings, an
 * offline message; Origin-checked, CORS-enabled) and `POST /v1/AgentSessions` (agent sign-in).
 * All are rate-limited per IP; sign-in is also backed off per username (`SignInLocked`).
 */
import { type Request, type RequestHandler, Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Core } from '../core/index.ts';
import { selfHost } from '../core/origins.ts';
import { SignInLocked } from '../core/sign-in-backoff.ts';
import { parse } from '../schemas.ts';
import type { PublicLimits } from './public-limits.ts';
import { counterStore } from './rate-limit-store.ts';
import { schemas } from './schemas.ts';

export type { PublicLimits };

export const limiter = (core: Core, name: string, limit: number, message: string) =>
  rateLimit({
    windowMs: 60_000,
    limit,
    store: counterStore(core.counter, `http:${name}`),
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json({ code: 'rate_limited', message, status: 429 });
    },
  });

export const contextOf = (req: Request, publicUrl: string | undefined) => ({
  origin: req.get('origin'),
  // The host `self` origins stand for: never a Host header an outsider could choose.
  host: selfHost(req.get('host'), publicUrl),
  userAgent: req.get('user-agent'),
});

/**
 * CORS for the widget's endpoints: the widget runs on customers' sites. The browser may ask
 * from any origin; each request is then checked against its Flex Flow's allowedOrigins by the
 * service (403 when not allowed), which is where access is decided.
 */
const widgetCors: RequestHandler = (req, res, next) => {
  const origin = req.get('origin');
  if (origin) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
  }
  if (req.method !== 'OPTIONS') return next();
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
  res.setHeader('Access-Control-Allow-Headers', 'content-type');
  res.setHeader('Access-Control-Max-Age', '600');
  res.status(204).end();
};

export function publicRouter(core: Core, limits: PublicLimits): Router {
  const router = Router();
  router.use('/v1/WebChannels', widgetCors);

  router.post(
    '/v1/WebChannels',
    limiter(
      core,
      'webchannels',
      limits.webChannelsPerMinute,
      'Too many chats opened from this address: wait a minute and try again',
    ),
    async (req, res) => {
      const request = parse(schemas.webChannel, req.body);
      const session = await core.webChannels.open(request, contextOf(req, core.publicUrl));
      res.status(201).json(session);
    },
  );

  router.get(
    '/v1/WebChannels/Config',
    limiter(
      core,
      'config',
      limits.webChannelsPerMinute * 10,
      'Too many requests: wait a minute and try again',
    ),
    async (req, res) => {
      const { flexFlowSid } = parse(schemas.webChannelConfig, req.query, 'query');
      res.json(await core.webChannels.config(flexFlowSid, contextOf(req, core.publicUrl)));
    },
  );

  router.post(
    '/v1/WebChannels/OfflineMessages',
    limiter(
      core,
      'offline',
      limits.webChannelsPerMinute,
      'Too many messages from this address: wait a minute and try again',
    ),
    async (req, res) => {
      const request = parse(schemas.offlineMessage, req.body);
      res
        .status(201)
        .json(await core.webChannels.leaveOfflineMessage(request, contextOf(req, core.publicUrl)));
    },
  );

  router.post(
    '/v1/AgentSessions',
    limiter(core, 'signin', limits.signInPerMinute, 'Too many sign-in attempts: wait a minute and try again'),
    async (req, res) => {
      const { username, password } = parse(schemas.agentSession, req.body);
      try {
        res.status(201).json(await core.agents.signIn(username, password));
      } catch (err) {
        // The per-account backoff says when the username may try again.
        if (err instanceof SignInLocked) res.setHeader('Retry-After', String(err.retryAfterSeconds));
        throw err;
      }
    },
  );

  return router;
}

/**
 * The Express application: public endpoints, the admin REST API under `/v1`, health checks,
 * pages, and the one error handler that turns every error into `{ code, message, status }`.
 */
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { createApiKeys } from '../core/api-keys.ts';
import type { Core, Logger } from '../core/index.ts';
import { demoFlexFlowSid } from '../core/seed.ts';
import { ParleyError, toErrorBody } from '../errors.ts';
import { systemClock } from '../ids.ts';
import { activitiesRouter, activityListRouter } from './activities.ts';
import { apiKeyAuthentication, requireAdmin } from './admin-auth.ts';
import { flowTrialRouter } from './admin-flow-trial.ts';
import { adminSessionsRouter, createAdminSessions } from './admin-session.ts';
import { apiKeysRouter } from './api-keys.ts';
import { auditEventsRouter, auditTrail } from './audit.ts';
import { DEFAULT_AUTH_FAILURES_PER_MINUTE, limitFailedAuth } from './auth-failures.ts';
import type { BuiltAssets } from './built-assets.ts';
import { cannedResponsesRouter } from './canned-responses.ts';
import { channelsRouter } from './channels.ts';
import { demoOrdersRouter } from './demo-orders.ts';
import { demoPhoneRouter } from './demo-phone.ts';
import { earlierConversationsRouter } from './earlier-conversations.ts';
import { emailTranscriptsRouter } from './email-transcripts.ts';
import { emailWebhooksRouter } from './email-webhooks.ts';
import { figuresRouter } from './figures.ts';
import { flexFlowsRouter } from './flex-flows.ts';
import { flowsRouter } from './flows.ts';
import { interactionsRouter } from './interactions.ts';
import { requireJsonBody } from './json-body.ts';
import { mediaRouter } from './media.ts';
import { messagingRouter } from './messaging.ts';
import type { Metrics } from './metrics.ts';
import { pagesRouter } from './pages.ts';
import { privacyRouter } from './privacy.ts';
import { parseTrustProxy, type TrustProxy } from './proxy-trust.ts';
import { type PublicLimits, publicRouter } from './public.ts';
import { ratingsRouter, visitorRatingsRouter } from './ratings.ts';
import { requestLog } from './request-log.ts';
import { routingRouter } from './routing.ts';
import { searchRouter } from './search.ts';
import { securityHeaders } from './security.ts';
import { sessionsRouter } from './sessions.ts';
import { settingsRouter } from './settings.ts';
import { tasksRouter } from './tasks.ts';
import { isTwilioShaped, twilioErrors, twilioRouter, twilioUnserved } from './twilio/index.ts';
import { webhooksRouter } from './webhooks.ts';
import { workflowsRouter } from './workflows.ts';

export interface AppOptions {
  core: Core;
  adminKey: string;
  assets: BuiltAssets;
  log: Logger;
  limits: PublicLimits;
  /** Serves `GET /metrics` (admin key). */
  metrics?: Metrics;
  isReady: () => boolean;
  /** Serve the demo's order service, the phone simulator and the demo pages too (`parley demo`). */
  demo?: boolean;
  /** Which proxies' X-Forwarded-For is believed for `req.ip` (default: loopback). */
  trustProxy?: TrustProxy;
}

export function createApp({
  core,
  adminKey,
  assets,
  log,
  limits,
  isReady,
  demo,
  metrics,
  trustProxy = parseTrustProxy(undefined),
}: AppOptions) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  app.use(securityHeaders());
  app.use(requestLog(log));
  // Before anything reads a body or looks a key up: an address guessing credentials stops here.
  app.use(limitFailedAuth(core.counter, limits.authFailuresPerMinute ?? DEFAULT_AUTH_FAILURES_PER_MINUTE));
  app.use(express.json({ limit: '64kb' }));
  // Before every guard: an API key passes wherever the admin key does.
  const apiKeys = createApiKeys({ store: core.store, clock: systemClock, log });
  app.use(apiKeyAuthentication(apiKeys));
  if (metrics) app.use(metrics.router(adminKey));

  // Browsers ask every page's host for one; an empty answer keeps their consoles free of 404s.
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).set('Cache-Control', 'public, max-age=86400').end();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    try {
      if (!isReady()) throw new Error('shutting down');
      await core.store.ping();
      res.json({ status: 'ready', store: core.store.engine });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });

  app.use(twilioRouter(core, adminKey, log));
  app.use('/v1', requireJsonBody);
  app.use(publicRouter(core, limits));
  app.use(visitorRatingsRouter(core, limits));
  app.use(adminSessionsRouter(core, Boolean(demo), limits.signInPerMinute));
  app.use(messagingRouter(core));
  app.use(emailWebhooksRouter(core), emailTranscriptsRouter(core, limits));
  if (demo) app.use(demoOrdersRouter(), demoPhoneRouter(core));
  // Agents read and keep their own with their session token, so it checks the admin key (or an
  // admin console session, which manages the shared library as the key does) itself.
  app.use(
    '/v1/CannedResponses',
    cannedResponsesRouter(core, adminKey, createAdminSessions(core, Boolean(demo))),
  );
  app.use(searchRouter(core, adminKey));
  // Agents read the list of activities with their session token (the desk's Activity menu).
  app.use(activityListRouter(core, adminKey, createAdminSessions(core, Boolean(demo))));
  // Supervisors read their figures with their session token, so it checks the admin key itself.
  app.use(figuresRouter(core, adminKey));
  app.use(earlierConversationsRouter(core, adminKey));
  const v1 = express.Router();
  // The admin key, or an admin console session; every change is written to the audit log.
  v1.use(requireAdmin(adminKey, createAdminSessions(core, Boolean(demo))));
  v1.use(auditTrail(core.store, log));
  v1.use('/Activities', activitiesRouter(core));
  v1.use('/AuditEvents', auditEventsRouter(core));
  v1.use('/ApiKeys', apiKeysRouter(apiKeys));
  v1.use(flowTrialRouter(core, { demo: Boolean(demo) }));
  v1.use('/Channels', channelsRouter(core));
  v1.use('/Contacts', privacyRouter(core));
  v1.use('/FlexFlows', flexFlowsRouter(core));
  v1.use('/Flows', flowsRouter(core));
  v1.use('/Workflows', workflowsRouter(core));
  v1.use('/Tasks', tasksRouter(core));
  v1.use('/Ratings', ratingsRouter(core));
  v1.use('/Sessions', sessionsRouter(core));
  v1.use('/Settings', settingsRouter(core));
  v1.use('/Webhooks', webhooksRouter(core));
  v1.use('/Interactions', interactionsRouter(core));
  v1.use(routingRouter(core));
  app.use('/v1', v1);
  const noSuchResource: RequestHandler = (req, res, next) => {
    // Nothing is served here, so nothing may load from it either.
    res.setHeader('Content-Security-Policy', "default-src 'none'");
    // A Twilio library asking for a resource Parley does not have gets Twilio's 404 (20404),
    // or 405 (20004) for a method a Twilio resource does not take.
    if (isTwilioShaped(req)) return twilioUnserved(req, res);
    next(new ParleyError('not_found', `No such resource: ${req.method} ${req.originalUrl}`, 404));
  };
  app.use('/v1', noSuchResource);
  app.use(mediaRouter({ core, downloadMbPerMinutePerIp: limits.downloadMbPerMinutePerIp }));
  app.use(pagesRouter({ assets, demo, demoFlexFlowSid: () => demoFlexFlowSid(core.store) }));
  // Whatever no router serves (a path in the wrong case, a doubled slash) is answered as every
  // other error is, in JSON, not with Express's own page.
  app.use(noSuchResource);

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    // Express's body parser reports bad JSON and oversize bodies with a status of its own.
    const status = typeof err?.status === 'number' ? err.status : undefined;
    const body =
      err instanceof ParleyError || !status
        ? toErrorBody(err)
        : {
            code: status === 413 ? 'payload_too_large' : 'invalid_request',
            message: status === 413 ? 'The request body is larger than 64 KB' : `body: ${err.message}`,
            status,
          };
    if (body.status >= 500) log.error({ err, method: req.method, path: req.path }, 'request failed');
    // CORS-enabled routes reflect the caller's origin; a refusal is not for that page to read.
    if (body.status === 403) res.removeHeader('Access-Control-Allow-Origin');
    res.status(body.status).json(body);
  };
  // Errors raised before the Twilio router (a 429 for wrong credentials) in Twilio's shape too.
  app.use(twilioErrors(log, true));
  app.use(onError);
  return app;
}

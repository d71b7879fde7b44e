/**
 * The Twilio-shaped surface: Twilio's paths, form-encoded requests, snake_case responses and
 * numeric error codes, so code written with Twilio's helper libraries runs against Parley with
 * only the host changed. One adapter over the same core as Parley's JSON API.
 *
 * Which shape answers is decided here, in one place: a request with HTTP Basic auth or a
 * form-encoded body is Twilio's; so is anything under the paths only Twilio has
 * (`/v1/Workspaces`, `/v1/Conversations`, `/v2/`). Everything else (JSON with a Bearer key,
 * the widget's requests) goes on to Parley's own routes at the same paths.
 */
import express, { type ErrorRequestHandler, type Request, type Response, Router } from 'express';
import type { Core, Logger } from '../../core/index.ts';
import { ParleyError, toErrorBody } from '../../errors.ts';
import { adminCheck } from '../admin-auth.ts';
import { twilioAuditTrail } from './audit.ts';
import { conversationsRouter } from './conversations.ts';
import { flexApiRouter } from './flex-api.ts';
import { methodsAt, servedRoutes } from './routes.ts';
import { studioRouter } from './studio.ts';
import { taskRouterRouter } from './taskrouter.ts';
import { noteDroppedFields, twilioErrorBody } from './wire.ts';

const TWILIO_ONLY = /^\/(v2\/|v1\/(Workspaces|Conversations)(\/|$))/;

/** Whether Twilio's wire format answers this request (see the module header). */
export function isTwilioShaped(req: Request): boolean {
  return (
    TWILIO_ONLY.test(req.path) ||
    /^basic /i.test(req.get('authorization') ?? '') ||
    Boolean(req.is('application/x-www-form-urlencoded'))
  );
}

function notAllowed(req: Request, res: Response, methods: string[]) {
  res.setHeader('Allow', methods.join(', '));
  res
    .status(405)
    .json(
      twilioErrorBody(
        405,
        `${req.method} is not supported on ${req.originalUrl.split('?')[0]} in Parley; it takes ${methods.join(', ')} (docs/twilio.md)`,
      ),
    );
}

/**
 * The answer to a Twilio-shaped request that nothing served: 405 when the path is a Twilio
 * resource asked with another method, else Twilio's 404. Mounted after Parley's own routes.
 */
export function twilioUnserved(req: Request, res: Response) {
  const methods = res.locals.twilioMethods as string[] | undefined;
  if (methods) return notAllowed(req, res, methods);
  res.status(404).json(twilioNotFound(req.originalUrl.split('?')[0] ?? req.path));
}

/** Twilio's 404 for a path Parley serves nothing at, naming what it does serve. */
const twilioNotFound = (path: string) =>
  twilioErrorBody(
    404,
    `The requested resource ${path} was not found: Parley serves Twilio's Flex API (FlexFlows, Channels, WebChannels, Interactions), TaskRouter (/v1/Workspaces), Conversations (/v1/Conversations) and Studio v2 (/v2/Flows); see docs/twilio.md`,
  );

/** Paths where Twilio's resources are (Parley's own routes share some of them). */
const TWILIO_PATHS =
  /^\/(v2\/|v1\/(Workspaces|Conversations|FlexFlows|Channels|WebChannels|Interactions)(\/|$))/;

/**
 * Answers an error in Twilio's shape (numeric code, `more_info`). Inside the router every error
 * is Twilio's; mounted on the app before its own error handler, it also answers the errors
 * raised before the router (too many wrong credentials, 429) for a Twilio-shaped request to a
 * Twilio path, and passes every other error on.
 */
export function twilioErrors(log: Logger, onlyTwilioRequests = false): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (onlyTwilioRequests && !(isTwilioShaped(req) && TWILIO_PATHS.test(req.path))) return next(err);
    const status = typeof err?.status === 'number' && !(err instanceof ParleyError) ? err.status : undefined;
    const body = status
      ? twilioErrorBody(
          status,
          status === 413 ? 'The request body is larger than 64 KB' : `body: ${err.message}`,
        )
      : (({ status: s, message, code }) => twilioErrorBody(s, message, code))(toErrorBody(err));
    if (body.status >= 500) log.error({ err, method: req.method, path: req.path }, 'request failed');
    res.status(body.status).json(body);
  };
}

/**
 * The Twilio-shaped resources and where each is mounted, in the order they are tried: Flex API
 * (its paths in full), TaskRouter, Conversations, Studio.
 */
export const twilioResources = (core: Core): [mount: string, router: Router][] => [
  ['', flexApiRouter(core)],
  ['/v1/Workspaces', taskRouterRouter(core)],
  ['/v1/Conversations', conversationsRouter(core)],
  ['/v2', studioRouter(core)],
];

export function twilioRouter(core: Core, adminKey: string, log: Logger): Router {
  const isAdmin = adminCheck(adminKey);
  const router = Router();
  router.use((req, _res, next) =>
    next(isTwilioShaped(req) && /^\/v[12]\//.test(req.path) ? undefined : 'router'),
  );
  router.use((req, _res, next) => {
    if (!isAdmin(req))
      throw new ParleyError(
        'unauthorized',
        'Authenticate with HTTP Basic: username an account SID (AC…) and password PARLEY_ADMIN_KEY, or username an API key SID (SK…) and password its secret',
        401,
      );
    next();
  });
  router.use(
    express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 1000, verify: noteDroppedFields }),
  );
  // Every change made through this surface is in the admin audit log, as through /v1's own.
  router.use(twilioAuditTrail(core.store, log));
  const resources = twilioResources(core);
  for (const [mount, served] of resources) {
    if (mount) router.use(mount, served);
    else router.use(served);
  }
  const allowed = methodsAt(servedRoutes(resources));
  router.use((req, res, next) => {
    // A resource that is there, asked with a method it does not take (an execution deleted,
    // a workspace updated): 405 naming the ones it does. On the paths Parley's own JSON API
    // shares (its routes take Basic credentials too), those routes are tried first, and only
    // what none of them serves is answered so (see twilioUnserved).
    const methods = allowed(req.path);
    if (methods.length > 0) res.locals.twilioMethods = methods;
    if (!TWILIO_ONLY.test(req.path)) return next();
    twilioUnserved(req, res);
  });
  router.use(twilioErrors(log));
  return router;
}

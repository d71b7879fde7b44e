/**
 * The admin API's guard: `Authorization: Bearer <PARLEY_ADMIN_KEY>`, or HTTP Basic as Twilio's
 * libraries send it (username an account SID `AC…` or API key SID `SK…`, any; password the
 * admin key). The key is compared in constant time. An API key (core/api-keys.ts) passes
 * wherever the admin key does: `Bearer <secret>`, or Basic `<SK… sid>:<secret>` as Twilio's
 * libraries send an API key (except at `/v1/ApiKeys`, see `refuseApiKeys`). With admin sessions
 * given, the Bearer token of an admin console session (admin-session.ts) is accepted too.
 * Authentication schemes are case-insensitive (RFC 7235), so `basic …` and `bearer …` count.
 * Whoever passed is left in `res.locals.adminActor`, for the audit log.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { API_KEY_SID, type ApiKeys } from '../core/api-keys.ts';
import { forbidden, ParleyError } from '../errors.ts';
import type { ApiKey, AuditActor } from '../store/types.ts';
import type { AdminSessions } from './admin-session.ts';

/** The actor of requests made with the admin key. */
export const ADMIN_KEY_ACTOR: AuditActor = { kind: 'admin_key', workerSid: null, name: 'admin key' };

/** The actor of requests made with an API key: its name and SID, as the API keys list shows them. */
export const apiKeyActor = (key: ApiKey): AuditActor => ({
  kind: 'api_key',
  workerSid: null,
  name: `API key "${key.friendlyName}" (${key.sid})`,
});

/** Requests whose Authorization presented a live API key, checked once by `apiKeyAuthentication`. */
const keyOfRequest = new WeakMap<Request, ApiKey>();

/** The API key the request authenticated with, if any. */
export const apiKeyOf = (req: Request): ApiKey | null => keyOfRequest.get(req) ?? null;

const digest = (value: string) => createHash('sha256').update(value).digest();

/** An account SID or API key SID: what Twilio's libraries send as the Basic username. */
export const TWILIO_USERNAME = /^(AC|SK)[0-9a-fA-F]{32}$/;

/** The token of `Bearer <token>`, whatever the scheme's case; null for any other header. */
export function bearerToken(header: string): string | null {
  return /^bearer /i.test(header) ? header.slice(7) : null;
}

/** The decoded `user:password` of `Basic <base64>`, whatever the scheme's case; null otherwise. */
export function basicCredentials(header: string): { username: string; password: string } | null {
  if (!/^basic /i.test(header)) return null;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The secret a request presents: the Bearer token, or the password of Basic credentials. */
function presentedKey(header: string): string {
  const token = bearerToken(header);
  if (token !== null) return token;
  const basic = basicCredentials(header);
  if (basic === null || !TWILIO_USERNAME.test(basic.username)) return '';
  return basic.password;
}

/**
 * Checks, once per request and before every guard, whether its credentials are an API key:
 * `Bearer <secret>`, or Basic with an `SK…` username and that key's secret. Other requests go
 * on untouched; a key that does not match is no error here (the guards refuse the request).
 */
export function apiKeyAuthentication(apiKeys: ApiKeys): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const secret = presentedKey(header);
    if (secret === '') return next();
    const username = basicCredentials(header)?.username;
    if (username !== undefined && !API_KEY_SID.test(username)) return next();
    apiKeys.authenticate(secret, username).then((key) => {
      if (key) keyOfRequest.set(req, key);
      next();
    }, next);
  };
}

/** Whether the request carries the admin key (Bearer or Basic credentials) or a live API key. */
export function adminCheck(adminKey: string): (req: Request) => boolean {
  const expected = digest(adminKey);
  return (req) => {
    if (keyOfRequest.has(req)) return true;
    const given = presentedKey(req.get('authorization') ?? '');
    return given !== '' && timingSafeEqual(digest(given), expected);
  };
}

export function requireAdmin(adminKey: string, sessions?: AdminSessions): RequestHandler {
  const isAdmin = adminCheck(adminKey);
  const unauthorized = () =>
    new ParleyError(
      'unauthorized',
      sessions
        ? 'This API needs Authorization: Bearer <PARLEY_ADMIN_KEY or API key secret> (or Basic <account SID>:<PARLEY_ADMIN_KEY>, <API key SID>:<secret>), or an admin console session from POST /v1/AdminSessions (an agent desktop session is not one)'
        : 'This API needs Authorization: Bearer <PARLEY_ADMIN_KEY or API key secret> (or Basic <account SID>:<PARLEY_ADMIN_KEY>, <API key SID>:<secret>)',
      401,
    );
  return (req, res, next) => {
    if (isAdmin(req)) {
      const key = apiKeyOf(req);
      res.locals.adminActor = key ? apiKeyActor(key) : ADMIN_KEY_ACTOR;
      next();
      return;
    }
    const token = bearerToken(req.get('authorization') ?? '');
    if (!sessions || token === null) {
      next(unauthorized());
      return;
    }
    sessions.actorOf(token).then((found) => {
      if (found === null) next(unauthorized());
      else if (found === 'not_admin')
        next(
          forbidden('This worker does not hold the admin role: an administrator can give it under Agents'),
        );
      else {
        res.locals.adminActor = found;
        next();
      }
    }, next);
  };
}

/**
 * Keeps API keys out of `/v1/ApiKeys`: a key that could mint keys would let whoever leaked it
 * make a replacement, so revoking the leaked key would not end the compromise. Only the admin
 * key and admin console sessions (people) manage keys. Mounted after `requireAdmin`.
 */
export function refuseApiKeys(): RequestHandler {
  return (req, _res, next) => {
    if (apiKeyOf(req) === null) return next();
    next(forbidden('API keys cannot manage API keys; use the admin key or the admin console'));
  };
}

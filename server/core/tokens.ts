/**
 * Signed, expiring session tokens: `base64url(payload).base64url(hmac-sha256)`. A visitor
 * token is bound to one contact, one channel and the Flex Flow it was issued on; an agent
 * token to one worker. Tokens travel in the Socket.IO handshake `auth` or an Authorization
 * header, never in a URL.
 *
 * Every token carries when it was issued (`iat`). A visitor token also carries when its
 * session began (`since`): refreshing keeps `since`, so a session ends at `since` plus the
 * absolute lifetime (PARLEY_SESSION_MAX_DAYS, 30 days) however often it is refreshed.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ParleyError } from '../errors.ts';
import type { Clock } from '../ids.ts';

export interface VisitorClaims {
  kind: 'visitor';
  contactSid: string;
  channelSid: string;
  /** The Flex Flow the token was issued on (absent from tokens issued before scoping). */
  flexFlowSid?: string;
  /** When the session began, in seconds since the epoch; kept through refreshes. */
  since?: number;
}

/** `version`: the worker's token version when signed; a token of an older version is revoked. */
export type TokenClaims = VisitorClaims | { kind: 'agent'; workerSid: string; version?: number };

export type VerifiedClaims = TokenClaims & { exp: number; iat?: number };

export interface SignedToken {
  token: string;
  expiresAt: string;
}

export interface Tokens {
  sign(claims: TokenClaims, ttlSeconds?: number): SignedToken;
  /** The claims of a valid, unexpired token, else null. */
  verify(token: unknown): VerifiedClaims | null;
  /**
   * A new token for the same visitor session, never past the session's absolute lifetime.
   * Throws `session_expired` once the session has reached it, `unauthorized` for a token
   * that is not a visitor's.
   */
  refresh(token: unknown): SignedToken;
}

export const VISITOR_TOKEN_TTL = 7 * 24 * 3600;
export const AGENT_TOKEN_TTL = 12 * 3600;
export const SESSION_MAX_DAYS = 30;

/**
 * When a visitor session began, in seconds; a token from before `since` existed began when it
 * was issued, a TTL before its expiry.
 */
export const sessionStartOf = (claims: VisitorClaims & { exp: number; iat?: number }) =>
  claims.since ?? claims.iat ?? claims.exp - VISITOR_TOKEN_TTL;

export interface TokenOptions {
  /** The absolute lifetime of a visitor session in seconds (default 30 days). */
  sessionMaxSeconds?: number;
}

export function createTokens(secret: string, clock: Clock, options: TokenOptions = {}): Tokens {
  const sessionMaxSeconds = options.sessionMaxSeconds ?? SESSION_MAX_DAYS * 24 * 3600;
  const mac = (data: string) => createHmac('sha256', secret).update(data).digest('base64url');
  const nowSeconds = () => Math.floor(clock().getTime() / 1000);

  /** The claims of a token with a good signature, expired or not. */
  function signedClaims(token: unknown): VerifiedClaims | null {
    if (typeof token !== 'string' || token.length > 2048) return null;
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined) return null;
    const expected = Buffer.from(mac(payload));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      return typeof claims.exp === 'number' ? claims : null;
    } catch {
      return null;
    }
  }

  function sign(claims: TokenClaims, ttlSeconds?: number): SignedToken {
    const iat = nowSeconds();
    let exp = iat + (ttlSeconds ?? (claims.kind === 'visitor' ? VISITOR_TOKEN_TTL : AGENT_TOKEN_TTL));
    let stamped: TokenClaims & { iat: number } = { ...claims, iat };
    if (claims.kind === 'visitor') {
      const since = claims.since ?? iat;
      exp = Math.min(exp, since + sessionMaxSeconds);
      stamped = { ...stamped, since } as VisitorClaims & { iat: number };
    }
    // A nonce makes every token unique, so a refreshed token never equals the one it replaces.
    const nonce = randomBytes(6).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ ...stamped, exp, nonce })).toString('base64url');
    return { token: `${payload}.${mac(payload)}`, expiresAt: new Date(exp * 1000).toISOString() };
  }

  return {
    sign,

    verify(token) {
      const claims = signedClaims(token);
      if (!claims || claims.exp <= nowSeconds()) return null;
      if (claims.kind === 'visitor' && sessionStartOf(claims) + sessionMaxSeconds <= nowSeconds())
        return null;
      return claims;
    },

    refresh(token) {
      // A connected socket refreshes with the token it connected with, which may have expired
      // since; its signature and the session's absolute lifetime are what count.
      const claims = signedClaims(token);
      if (claims?.kind !== 'visitor') {
        throw new ParleyError('unauthorized', 'Only a visitor session can be refreshed', 401);
      }
      const since = sessionStartOf(claims);
      if (since + sessionMaxSeconds <= nowSeconds()) {
        throw new ParleyError(
          'session_expired',
          'This chat session has reached its maximum lifetime: open a new chat',
          401,
        );
      }
      const { contactSid, channelSid, flexFlowSid } = claims;
      return sign({ kind: 'visitor', contactSid, channelSid, ...(flexFlowSid && { flexFlowSid }), since });
    },
  };
}

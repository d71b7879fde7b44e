/**
 * Signed, expiring session tokens: `base64url(payload).base64url(hmac-sha256)`. A visitor
 * token is bound to one contact and one channel; an agent token to one worker. Tokens travel
 * in the Socket.IO handshake `auth` or an Authorization header, never in a URL.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from './ids.ts';

export type TokenClaims =
  | { kind: 'visitor'; contactSid: string; channelSid: string }
  /** `version`: the worker's token version when signed; a token of an older version is revoked. */
  | { kind: 'agent'; workerSid: string; version?: number };

export interface SignedToken {
  token: string;
  expiresAt: string;
}

export interface Tokens {
  sign(claims: TokenClaims, ttlSeconds?: number): SignedToken;
  /** The claims of a valid, unexpired token, else null. */
  verify(token: unknown): (TokenClaims & { exp: number }) | null;
}

export const VISITOR_TOKEN_TTL = 7 * 24 * 3600;
export const AGENT_TOKEN_TTL = 12 * 3600;

export function createTokens(secret: string, clock: Clock): Tokens {
  const mac = (data: string) => createHmac('sha256', secret).update(data).digest('base64url');
  return {
    sign(claims, ttlSeconds = claims.kind === 'visitor' ? VISITOR_TOKEN_TTL : AGENT_TOKEN_TTL) {
      const exp = Math.floor(clock().getTime() / 1000) + ttlSeconds;
      // A nonce makes every token unique, so a refreshed token never equals the one it replaces.
      const nonce = randomBytes(6).toString('base64url');
      const payload = Buffer.from(JSON.stringify({ ...claims, exp, nonce })).toString('base64url');
      return { token: `${payload}.${mac(payload)}`, expiresAt: new Date(exp * 1000).toISOString() };
    },
    verify(token) {
      if (typeof token !== 'string' || token.length > 2048) return null;
      const [payload, signature, extra] = token.split('.');
      if (!payload || !signature || extra !== undefined) return null;
      const expected = Buffer.from(mac(payload));
      const given = Buffer.from(signature);
      if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
      try {
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
        if (typeof claims.exp !== 'number' || claims.exp * 1000 <= clock().getTime()) return null;
        return claims;
      } catch {
        return null;
      }
    },
  };
}

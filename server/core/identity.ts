/**
 * Identity verification: a Flex Flow with `integration.identityVerification: { required, secret }`
 * takes a signed-in user of the customer's site as who they say they are only with proof made
 * by the site's server: `userHash = hex(HMAC-SHA256(secret, userId))`, or an HS256 JWT signed
 * with the secret whose `sub` is the userId and which has an `exp`. A verified user is the
 * contact `user:<flexFlowSid>:<userId>` on every device: each Flex Flow vouches only for its own
 * users (another site's user 42 is someone else), and an anonymous visitor can never become one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ParleyError } from '../errors.ts';
import type { IdentifyRequest } from '../protocol.ts';
import type { FlexFlow } from '../store/types.ts';

export interface IdentityVerificationConfig {
  required?: boolean;
  secret?: string;
}

export interface VerifiedUser {
  userId: string;
  name?: string;
  email?: string;
}

export const USER_IDENTITY_PREFIX = 'user:';
/** The contact identity of a user verified by this Flex Flow. */
export const userIdentity = (flexFlowSid: string, userId: string) =>
  `${USER_IDENTITY_PREFIX}${flexFlowSid}:${userId}`;
export const isVerifiedIdentity = (identity: string) => identity.startsWith(USER_IDENTITY_PREFIX);
/** Whether a contact is a user this Flex Flow verified (not another Flex Flow's). */
export const isVerifiedOn = (flexFlowSid: string, identity: string) =>
  identity.startsWith(userIdentity(flexFlowSid, ''));

/** An erased contact's tombstone (see the privacy repositories): nothing resumes it. */
export const ERASED_IDENTITY_PREFIX = 'erased:';
export const isErasedIdentity = (identity: string) => identity.startsWith(ERASED_IDENTITY_PREFIX);

export function identityVerificationOf(flexFlow: FlexFlow): IdentityVerificationConfig | null {
  const config = (flexFlow.integration as { identityVerification?: unknown }).identityVerification;
  return config && typeof config === 'object' ? (config as IdentityVerificationConfig) : null;
}

/** Makes the userHash a site's server sends along (for docs, tests and the site's own code). */
export function userHashOf(secret: string, userId: string): string {
  return createHmac('sha256', secret).update(userId).digest('hex');
}

const refused = (message: string) => new ParleyError('identity_invalid', message, 403);

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function verifyJwt(secret: string, jwt: string, userId: string, now: Date): void {
  const [header, payload, signature, extra] = jwt.split('.');
  if (!header || !payload || !signature || extra !== undefined) throw refused('identify.jwt: not a JWT');
  let parsedHeader: { alg?: unknown };
  let claims: { sub?: unknown; exp?: unknown };
  try {
    parsedHeader = JSON.parse(Buffer.from(header, 'base64url').toString());
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  } catch {
    throw refused('identify.jwt: header and payload must be base64url JSON');
  }
  // Only HS256: a token naming another algorithm (or "none") is refused before any check.
  if (parsedHeader.alg !== 'HS256') throw refused('identify.jwt: only HS256 is accepted');
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  if (!sameText(expected, signature)) throw refused('identify.jwt: the signature does not match');
  if (typeof claims.exp !== 'number') throw refused('identify.jwt: needs an exp claim');
  if (claims.exp * 1000 <= now.getTime()) throw refused('identify.jwt: has expired');
  if (claims.sub !== userId) throw refused('identify.jwt: sub must equal identify.userId');
}

/**
 * The verified user, or null for an anonymous visitor (allowed only when verification is not
 * required). Throws 401 when a required proof is missing, 403 when a proof is wrong.
 */
export function verifyIdentify(
  flexFlow: FlexFlow,
  identify: IdentifyRequest | undefined,
  now: Date,
): VerifiedUser | null {
  const config = identityVerificationOf(flexFlow);
  if (!identify) {
    if (config?.required) {
      throw new ParleyError(
        'identity_required',
        'This chat needs a verified user: send identify { userId, userHash } or identify { userId, jwt }',
        401,
      );
    }
    return null;
  }
  if (!config?.secret) {
    throw refused(
      `Flex Flow ${flexFlow.sid} does not verify identities (no integration.identityVerification.secret): leave out identify`,
    );
  }
  if (identify.jwt) verifyJwt(config.secret, identify.jwt, identify.userId, now);
  else if (identify.userHash) {
    if (!sameText(userHashOf(config.secret, identify.userId), identify.userHash.toLowerCase())) {
      throw refused('identify.userHash: does not match HMAC-SHA256(secret, userId)');
    }
  } else {
    throw new ParleyError('identity_required', 'identify needs a userHash or a jwt', 401);
  }
  return { userId: identify.userId, name: identify.name, email: identify.email };
}

/**
 * API keys: named credentials for automation that work wherever the admin key does, each
 * revocable alone. A key is a SID (`SK` + 32 hex, Twilio's shape) and a secret of 32 random
 * bytes (base64url, 43 characters) that is answered once, at creation; the store keeps only
 * the secret's SHA-256 digest.
 *
 * Guarantees:
 * - Every check reads the store (no cache), so a revoked key fails at once on every node.
 * - A key's last-used time is written at most once a minute, whatever the request rate.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ParleyError } from '../errors.ts';
import type { Clock } from '../ids.ts';
import type { Logger } from '../logger.ts';
import type { ApiKey, Store } from '../store/types.ts';

/** What a key's secret looks like: anything else is never looked up. */
export const API_KEY_SECRET = /^[A-Za-z0-9_-]{43}$/;
export const API_KEY_SID = /^SK[0-9a-f]{32}$/;

/** How stale the recorded last-used time may be before a request writes it again. */
const LAST_USED_RESOLUTION_MS = 60_000;

const digest = (secret: string) => createHash('sha256').update(secret).digest('hex');

export interface CreatedApiKey extends ApiKey {
  /** Shown once: Parley keeps only its digest. */
  secret: string;
}

export interface ApiKeys {
  create(friendlyName: string): Promise<CreatedApiKey>;
  list(): Promise<ApiKey[]>;
  get(sid: string): Promise<ApiKey>;
  /** Deletes the key; requests presenting it are refused from then on. */
  revoke(sid: string): Promise<void>;
  /**
   * The key a presented secret belongs to, or null. With `sid` (HTTP Basic's username) the
   * secret must be that key's.
   * @example await apiKeys.authenticate(password, username) // Basic SK…:secret
   */
  authenticate(secret: string, sid?: string): Promise<ApiKey | null>;
}

export function createApiKeys({
  store,
  clock,
  log,
}: {
  store: Pick<Store, 'apiKeys'>;
  clock: Clock;
  log: Logger;
}): ApiKeys {
  const notFound = (sid: string) =>
    new ParleyError('not_found', `No API key ${sid}: list them with GET /v1/ApiKeys`, 404);
  return {
    async create(friendlyName) {
      const secret = randomBytes(32).toString('base64url');
      const sid = `SK${randomBytes(16).toString('hex')}`;
      const key = await store.apiKeys.create({ sid, friendlyName, secretHash: digest(secret) });
      return { ...key, secret };
    },
    list: () => store.apiKeys.list(),
    async get(sid) {
      const key = await store.apiKeys.get(sid);
      if (!key) throw notFound(sid);
      return key;
    },
    async revoke(sid) {
      if (!(await store.apiKeys.delete(sid))) throw notFound(sid);
    },
    async authenticate(secret, sid) {
      if (!API_KEY_SECRET.test(secret)) return null;
      const key = await store.apiKeys.findBySecretHash(digest(secret));
      if (!key || (sid !== undefined && key.sid !== sid)) return null;
      const now = clock();
      const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS).toISOString();
      if (key.dateLastUsed === null || key.dateLastUsed < stale) {
        // Bookkeeping only: the request goes on whether or not the time is written.
        store.apiKeys.touch(key.sid, now.toISOString(), stale).catch((err: unknown) => {
          log.warn({ err, apiKeySid: key.sid }, 'API key last-used time not recorded');
        });
      }
      return key;
    },
  };
}

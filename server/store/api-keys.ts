/**
 * API keys' records, shared by both engines: a named credential for automation that works
 * wherever the admin key does, and that can be revoked alone. Only a SHA-256 digest of the
 * secret is stored (the secret is 32 random bytes, so a slow hash adds nothing); the secret
 * itself is answered once, when the key is created.
 */
import type { Row } from './rows.ts';

export interface ApiKey {
  /** `SK` and 32 hex digits, as Twilio's API key SIDs. */
  sid: string;
  friendlyName: string;
  dateCreated: string;
  /** When the key last authenticated a request, to the minute; null if never. */
  dateLastUsed: string | null;
}

export interface NewApiKey {
  sid: string;
  friendlyName: string;
  /** Hex SHA-256 of the secret. */
  secretHash: string;
}

export interface ApiKeyRepository {
  create(input: NewApiKey): Promise<ApiKey>;
  get(sid: string): Promise<ApiKey | null>;
  /** The key whose secret has this digest, if it is not revoked. */
  findBySecretHash(secretHash: string): Promise<ApiKey | null>;
  /** Every key, oldest first; never a secret. */
  list(): Promise<ApiKey[]>;
  /** Deletes the key: it authenticates nothing from then on. False when there was none. */
  delete(sid: string): Promise<boolean>;
  /** Sets the last-used time unless it is already `notBefore` or later (one write a minute). */
  touch(sid: string, usedAt: string, notBefore: string): Promise<void>;
}

export const toApiKey = (r: Row): ApiKey => ({
  sid: r.sid,
  friendlyName: r.friendly_name,
  dateCreated: r.date_created,
  dateLastUsed: r.date_last_used ?? null,
});

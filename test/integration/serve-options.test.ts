/**
 * createServer() called from an application's own code, where nothing has checked the
 * environment first: a missing or short option is refused before anything opens, with the
 * option named; and `parley serve` with an unreachable Redis stops with a message instead of
 * retrying for ever without listening.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ParleyError } from '../../server/errors.ts';
import { createServer, type ServerOptions } from '../../server/server.ts';
import { freePort } from '../helpers/ports.ts';
import { cleanUp, parley, SERVE_ENV, tempDir } from './serve-helpers.ts';

afterEach(cleanUp);

/** Options as plain JavaScript may pass them: the types do not stop a missing value there. */
function attempt(options: Record<string, unknown>) {
  return createServer(options as unknown as ServerOptions);
}

describe('createServer() options', () => {
  const valid = () => ({ dataDir: tempDir(), adminKey: 'app-admin-key', secret: 'app-secret-0123456789' });

  it.each([
    [
      { dataDir: undefined },
      /dataDir must be a directory path.*undefined \(is the environment variable set\?\)/,
    ],
    [{ adminKey: undefined }, /adminKey must be a non-empty string.*got undefined/],
    [{ secret: undefined }, /secret must be a string of at least 16 characters.*got undefined/],
    [{ secret: 'short' }, /secret must be a string of at least 16 characters.*got a string of 5 characters/],
    [{ databaseUrl: 'mysql://db/parley' }, /databaseUrl \(DATABASE_URL\) must be a PostgreSQL URL/],
    [{ redisUrl: 'http://127.0.0.1:6379' }, /redisUrl \(REDIS_URL\) must be a redis:\/\/ or rediss:\/\/ URL/],
  ])('refuses %o, naming the option', async (change, message) => {
    const error = await attempt({ ...valid(), ...change }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ParleyError);
    expect((error as ParleyError).code).toBe('invalid_options');
    expect((error as ParleyError).message).toMatch(message);
  });

  it('never prints the secret it refuses', async () => {
    const error = (await attempt({ ...valid(), secret: 'hunter2-secret' }).catch((err) => err)) as Error;
    expect(error.message).not.toContain('hunter2');
  });

  it('starts with valid options', async () => {
    const server = await attempt(valid());
    const { url } = await server.listen(0, '127.0.0.1');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await server.close();
  });
});

describe('parley serve with REDIS_URL', () => {
  it('stops with a message naming REDIS_URL when Redis does not answer', { timeout: 60_000 }, async () => {
    const closed = await freePort(); // nothing listens there
    const run = parley(['serve'], {
      ...SERVE_ENV,
      PARLEY_DATA_DIR: tempDir(),
      REDIS_URL: `redis://127.0.0.1:${closed}`,
    });
    const { code } = await run.exited;
    expect(code).toBe(1);
    expect(run.output()).toContain(
      `parley: Redis does not answer: cannot connect to redis://127.0.0.1:${closed}`,
    );
    expect(run.output()).toContain('Check REDIS_URL');
  });
});

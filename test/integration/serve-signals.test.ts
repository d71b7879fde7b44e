/**
 * `parley serve` stops gracefully on SIGTERM / SIGINT however it is started: by node, by npx
 * (npm runs it under `sh -c`, which does not pass the signal on), and as PID 1 of its own PID
 * namespace, like a container's entry point. A graceful stop closes the SQLite database,
 * which removes its write-ahead log: that file's absence proves the stop was not a kill.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, descendants, gone, parley, run, SERVE_ENV, tempDir } from './serve-helpers.ts';

afterEach(cleanUp);

/** Asserts the server at `url` has stopped taking connections. */
async function refuses(url: string) {
  await expect(fetch(`${url}/healthz`)).rejects.toThrow();
}

describe('parley serve stops on a signal', () => {
  it('exits 0 within seconds of SIGTERM when run by node, having closed its database', async () => {
    const dataDir = tempDir();
    const server = parley(['serve'], { ...SERVE_ENV, PARLEY_DATA_DIR: dataDir });
    const url = await server.url;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(existsSync(join(dataDir, 'parley.db-wal'))).toBe(true);
    const signalled = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expect(existsSync(join(dataDir, 'parley.db-wal'))).toBe(false);
    await refuses(url);
  });

  it('exits 0 on SIGINT (Ctrl+C) too', async () => {
    const server = parley(['serve'], { ...SERVE_ENV, PARLEY_DATA_DIR: tempDir() });
    await server.url;
    server.child.kill('SIGINT');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('SIGINT: shutting down');
  });

  it('stops within seconds when npx, the process a supervisor knows, gets SIGTERM', async () => {
    const dataDir = tempDir();
    const npx = run('npx', ['--no-install', 'parley', 'serve'], { ...SERVE_ENV, PARLEY_DATA_DIR: dataDir });
    const url = await npx.url;
    const below = descendants(npx.child.pid as number);
    expect(below.length).toBeGreaterThan(0);
    const signalled = Date.now();
    npx.child.kill('SIGTERM');
    await npx.exited;
    await gone(below, 8_000).catch((err) => {
      throw new Error(`${err.message}\n${npx.output()}`);
    });
    expect(Date.now() - signalled).toBeLessThan(8_000);
    expect(npx.output()).toContain('shutting down');
    expect(existsSync(join(dataDir, 'parley.db-wal'))).toBe(false);
    await refuses(url);
  }, 180_000);

  const unshare = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', 'true']).status === 0;
  it.skipIf(!unshare)('stops on SIGTERM as PID 1 of its own PID namespace, as in a container', async () => {
    const dataDir = tempDir();
    const container = run(
      'unshare',
      ['--pid', '--fork', '--mount-proc', process.execPath, 'bin/parley.js', 'serve'],
      {
        ...SERVE_ENV,
        PARLEY_DATA_DIR: dataDir,
      },
    );
    const url = await container.url;
    const [init] = descendants(container.child.pid as number);
    expect(init).toBeDefined();
    // Inside its namespace the server is PID 1, which gets no default signal handling.
    const status = spawnSync('cat', [`/proc/${init}/status`], { encoding: 'utf8' }).stdout;
    expect(status).toMatch(/^NSpid:\s+\d+\s+1$/m);
    process.kill(init as number, 'SIGTERM');
    expect(await container.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(join(dataDir, 'parley.db-wal'))).toBe(false);
    await refuses(url);
  });
});

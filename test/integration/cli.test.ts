import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { trackProcess } from '../helpers/processes.ts';

const root = join(import.meta.dirname, '../..');
const running: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
  dirs.push(dir);
  return dir;
}

/** Runs `parley <command>`; resolves with the URL it prints once it listens. */
function start(command: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['bin/parley.js', command], {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
  });
  trackProcess(child, `parley ${command}`);
  running.push(child);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = output.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (match) resolve(match[0]);
    });
    void exited.then((code) => reject(new Error(`parley ${command} exited with ${code}:\n${output}`)));
  });
  url.catch(() => {}); // a refused start is asserted through `exited`
  return { child, url, exited, output: () => output };
}

describe('the parley command', () => {
  it('refuses to serve without PARLEY_ADMIN_KEY and PARLEY_SECRET, naming both', async () => {
    const run = start('serve', { PARLEY_DATA_DIR: tempDir(), PARLEY_ADMIN_KEY: '', PARLEY_SECRET: '' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('PARLEY_ADMIN_KEY and PARLEY_SECRET');
  });

  it('prints its version', async () => {
    const run = start('--version', {});
    expect(await run.exited).toBe(0);
    expect(run.output().trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('names PORT when its port is taken, and warns about PARLEY_REDIS_URL, which it does not read', async () => {
    const busy = createNetServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as AddressInfo).port;
      const run = start('serve', {
        PARLEY_DATA_DIR: tempDir(),
        PARLEY_ADMIN_KEY: 'prod-admin-key-0123',
        PARLEY_SECRET: 'a-long-production-secret',
        PORT: String(port),
        PARLEY_REDIS_URL: 'redis://127.0.0.1:6379',
      });
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`port ${port} on 127.0.0.1 is already in use: set PORT to a free port`);
      expect(run.output()).toContain(
        'PARLEY_REDIS_URL is not a setting and is ignored: Parley reads REDIS_URL',
      );
      expect(run.output()).not.toContain('    at ');
    } finally {
      busy.close();
    }
  });

  it('serves with its secrets, seeds nothing, and stops cleanly on SIGTERM', async () => {
    const run = start('serve', {
      PARLEY_DATA_DIR: tempDir(),
      PARLEY_ADMIN_KEY: 'prod-admin-key-0123',
      PARLEY_SECRET: 'a-long-production-secret',
    });
    const url = await run.url;
    const res = await fetch(`${url}/v1/Workers`, {
      headers: { authorization: 'Bearer prod-admin-key-0123' },
    });
    expect((await res.json()).workers).toEqual([]);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('runs the demo, printing its URLs and credentials, and seeds an empty database only once', async () => {
    const dataDir = tempDir();
    const first = start('demo', { PARLEY_DATA_DIR: dataDir });
    const url = await first.url;
    expect(first.output()).toContain(`${url}/agent`);
    expect(first.output()).toContain('agent / agent');
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    const second = start('demo', { PARLEY_DATA_DIR: dataDir });
    const again = await second.url;
    const res = await fetch(`${again}/v1/Workers`, { headers: { authorization: 'Bearer demo-admin-key' } });
    expect((await res.json()).workers).toHaveLength(1);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});

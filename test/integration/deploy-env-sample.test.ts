/**
 * deploy/parley.env.example as docs/deploy.md uses it: sourced by `sh` for `parley doctor`
 * (systemd reads the same file as the unit's EnvironmentFile). Every line must read in a shell,
 * the commented examples too once uncommented, and the sample's placeholders must never
 * start a server.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanUp, root, run, tempDir } from './serve-helpers.ts';

afterEach(cleanUp);

const sample = readFileSync(join(root, 'deploy/parley.env.example'), 'utf8');

/** `sh -c 'set -a; . FILE; …'` as docs/deploy.md runs it, then the command. */
function withSample(text: string, command: string, extra: Record<string, string> = {}) {
  const file = join(tempDir(), 'parley.env');
  writeFileSync(file, text);
  return run('sh', ['-c', `set -a; . "${file}"; ${command}`], { PARLEY_DATA_DIR: tempDir(), ...extra });
}

describe('deploy/parley.env.example', () => {
  it('reads in a shell with every example uncommented, values with spaces and <> included', async () => {
    const uncommented = sample.replace(/^#([A-Z][A-Z0-9_]*=)/gm, '$1');
    const check = withSample(
      uncommented,
      'printf "%s\\n" "$PARLEY_SMTP_FROM" "$PARLEY_SMTP_URL" "$PARLEY_TRUST_PROXY"',
    );
    const { code } = await check.exited;
    expect(check.output()).toBe(
      'Support <support@example.com>\nsmtp://user:password@smtp.example.com:587\nloopback\n',
    );
    expect(code).toBe(0);
  });

  it('leaves parley doctor failing, and serve refusing, until the placeholders are replaced', async () => {
    const doctor = withSample(sample, `exec "${process.execPath}" bin/parley.js doctor`);
    expect((await doctor.exited).code).toBe(1);
    expect(doctor.output()).toContain(
      "✗ Configuration: PARLEY_ADMIN_KEY and PARLEY_SECRET still hold the sample's change-me placeholder",
    );

    const longer = sample.replace('PARLEY_SECRET=change-me-too', 'PARLEY_SECRET=change-me-to-a-long-value');
    const serve = withSample(longer, `exec "${process.execPath}" bin/parley.js serve`, { PORT: '0' });
    expect((await serve.exited).code).toBe(1);
    expect(serve.output()).toContain(
      "parley: PARLEY_ADMIN_KEY and PARLEY_SECRET still hold the sample's change-me placeholder",
    );

    // Replaced, but with a key too short to keep the REST API closed.
    const short = longer
      .replace('PARLEY_ADMIN_KEY=change-me', 'PARLEY_ADMIN_KEY=x')
      .replace('PARLEY_SECRET=change-me-to-a-long-value', 'PARLEY_SECRET=0123456789abcdef0123');
    const shortKey = withSample(short, `exec "${process.execPath}" bin/parley.js serve`, { PORT: '0' });
    expect((await shortKey.exited).code).toBe(1);
    expect(shortKey.output()).toContain('parley: PARLEY_ADMIN_KEY must be at least 16 characters');
  });
});

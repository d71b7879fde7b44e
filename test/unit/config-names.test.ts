/** Settings a newcomer gets wrong: an empty PORT, and Parley's prefix on settings read without it. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, misnamedSettings } from '../../server/config.ts';

const base = {
  PARLEY_DATA_DIR: '/tmp/parley-config-test',
  PARLEY_ADMIN_KEY: 'k'.repeat(20),
  PARLEY_SECRET: 's'.repeat(20),
};

describe('settings by name', () => {
  it('refuse an empty PORT instead of listening on a random port', () => {
    expect(() => loadConfig('serve', { ...base, PORT: '' })).toThrow(ConfigError);
    expect(() => loadConfig('serve', { ...base, PORT: ' ' })).toThrow(/PORT must be a whole number/);
    expect(loadConfig('serve', { ...base, PORT: '0' }).port).toBe(0);
    expect(loadConfig('serve', base).port).toBe(3000);
  });

  it('warn about PARLEY_PORT, PARLEY_HOST, PARLEY_DATABASE_URL and PARLEY_REDIS_URL, naming the setting read', () => {
    const warnings = misnamedSettings({
      PARLEY_PORT: '4000',
      PARLEY_DATABASE_URL: 'postgres://x/y',
      PARLEY_SECRET: 'x',
    });
    expect(warnings).toEqual([
      'PARLEY_PORT is not a setting and is ignored: Parley reads PORT (without the prefix)',
      'PARLEY_DATABASE_URL is not a setting and is ignored: Parley reads DATABASE_URL (without the prefix)',
    ]);
    // Both spelled: the real one is set, so the other is only a leftover.
    expect(misnamedSettings({ PARLEY_HOST: '0.0.0.0', HOST: '127.0.0.1' })).toEqual([]);
    expect(misnamedSettings({})).toEqual([]);
  });
});

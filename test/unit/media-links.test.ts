import { describe, expect, it } from 'vitest';
import { createMediaLinks, MEDIA_LINK_TTL_SECONDS } from '../../server/core/media-links.ts';

const SID = `ME${'a'.repeat(32)}`;

describe('media links', () => {
  let now = new Date('2026-01-01T00:00:00Z');
  const links = createMediaLinks('secret-0123456789abcdef', () => now);
  const queryOf = (path: string) => new URL(path, 'http://parley.test').searchParams;

  it('opens the file it names until it expires, and not a second after', () => {
    const query = queryOf(links.pathFor(SID));
    expect(links.verify(SID, query.get('expires'), query.get('signature'))).toBe(true);
    now = new Date(now.getTime() + MEDIA_LINK_TTL_SECONDS * 1000);
    expect(links.verify(SID, query.get('expires'), query.get('signature'))).toBe(true);
    now = new Date(now.getTime() + 1000);
    expect(links.verify(SID, query.get('expires'), query.get('signature'))).toBe(false);
  });

  it('refuses another file, another expiry, another secret or a malformed query', () => {
    now = new Date('2026-01-01T00:00:00Z');
    const query = queryOf(links.pathFor(SID));
    const [expires, signature] = [query.get('expires'), query.get('signature')];
    expect(links.verify(`ME${'b'.repeat(32)}`, expires, signature)).toBe(false);
    expect(links.verify(SID, String(Number(expires) + 60), signature)).toBe(false);
    const other = createMediaLinks('another-secret-0123456789', () => now);
    expect(other.verify(SID, expires, signature)).toBe(false);
    for (const [e, s] of [
      [undefined, signature],
      [expires, undefined],
      ['1e12', signature],
      [[expires], signature],
      [expires, ''],
    ]) {
      expect(links.verify(SID, e, s)).toBe(false);
    }
  });
});

/**
 * Sids keep Twilio's shape (two letters, 32 hex digits). A message sid begins with the time it
 * was made, so messages stored together sit together in the sid index (server/ids.ts).
 */
import { expect, it } from 'vitest';
import { newSid } from '../../server/ids.ts';

const SHAPE = /^[A-Z]{2}[0-9a-f]{32}$/;

it('makes message sids that sort by the time they were made, with 80 random bits after it', async () => {
  const first = newSid('IM');
  // The next millisecond, on any machine.
  const start = Date.now();
  while (Date.now() === start) await new Promise((resolve) => setImmediate(resolve));
  const later = Array.from({ length: 500 }, () => newSid('IM'));
  for (const sid of [first, ...later]) expect(sid).toMatch(SHAPE);
  for (const sid of later) expect(sid > first).toBe(true);
  expect(Number.parseInt(first.slice(2, 14), 16)).toBeLessThanOrEqual(start);
  expect(Math.abs(Number.parseInt(first.slice(2, 14), 16) - start)).toBeLessThan(60_000);
  // Made in the same millisecond or not, no two are alike.
  expect(new Set(later).size).toBe(later.length);
});

it('makes every other sid from 128 random bits', () => {
  const sids = Array.from({ length: 500 }, () => newSid('CH'));
  for (const sid of sids) expect(sid).toMatch(SHAPE);
  expect(new Set(sids).size).toBe(sids.length);
  // Random, not time-ordered: the leading digits vary across sids made at once.
  expect(new Set(sids.map((s) => s.slice(2, 6))).size).toBeGreaterThan(400);
});

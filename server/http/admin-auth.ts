/** The admin REST API's guard: `Authorization: Bearer <PARLEY_ADMIN_KEY>`, compared in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ParleyError } from '../errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function requireAdmin(adminKey: string): RequestHandler {
  const expected = digest(adminKey);
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!given || !timingSafeEqual(digest(given), expected)) {
      next(new ParleyError('unauthorized', 'This API needs Authorization: Bearer <PARLEY_ADMIN_KEY>', 401));
      return;
    }
    next();
  };
}

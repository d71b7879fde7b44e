/**
 * Parley's JSON API reads JSON bodies only: a body of any other type is refused with 415
 * instead of being ignored (an update that silently changed nothing would answer 200).
 * Form-encoded requests never get here: the Twilio-shaped surface answers them.
 */
import type { RequestHandler } from 'express';
import { ParleyError } from '../errors.ts';

export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  if (hasBody && !req.is('application/json')) {
    throw new ParleyError(
      'unsupported_media_type',
      `body: send JSON with Content-Type: application/json (got ${req.get('content-type') ?? 'no Content-Type'})`,
      415,
    );
  }
  next();
};

/**
 * One structured log line per HTTP request at info level: method, the route's path (never
 * the query string, never a body or header), status and duration. Tokens travel in headers
 * and bodies, so nothing here can carry one.
 */
import type { RequestHandler } from 'express';
import type { Logger } from '../logger.ts';

export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // Read now: routers mounted below strip their prefix from req.path while they handle it.
    const path = req.path;
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info({ method: req.method, path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}

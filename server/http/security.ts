/**
 * Security headers on every response (helmet), with a Content-Security-Policy that the
 * widget and the agent desktop run under: scripts only from Parley's own origin (no inline
 * script, no eval), connections to it alone, no plugins, no framing by other sites. Styles
 * may be inline: goober writes the components' styles into <style> elements at run time.
 *
 * The widget's files and media are fetched by customers' sites, so they may be loaded
 * cross-origin; every other response is for Parley's own origin.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';

export const CONTENT_SECURITY_POLICY = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'media-src': ["'self'", 'blob:'],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'self'"],
  'frame-ancestors': ["'self'"],
};

/**
 * Pages that stand in for a customer's site in the tests (their own inline scripts, their own
 * policy, set by the test): Parley's policy is not theirs to carry.
 */
const CUSTOMER_SITE_FIXTURES = new Set(['/hostile.html', '/csp.html']);

export function securityHeaders(): RequestHandler {
  const strict = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  const embeddable = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  const fixture = helmet({ contentSecurityPolicy: false, crossOriginResourcePolicy: false });
  return (req, res, next) => {
    if (CUSTOMER_SITE_FIXTURES.has(req.path)) return fixture(req, res, next);
    const crossOrigin = req.path.startsWith('/widget/') || req.path.startsWith('/media/');
    return (crossOrigin ? embeddable : strict)(req, res, next);
  };
}

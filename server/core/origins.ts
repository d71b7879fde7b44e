/**
 * Which web origins may open a Flex Flow's widget. An entry is a full origin
 * (`https://shop.example.com`), `*` for any, or `self` for the origin Parley itself is served
 * from (what the demo uses, whatever host and port it runs on).
 */

const LOOPBACK_HOST = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d+)?$/i;

/**
 * The host `self` stands for on this request. With `PARLEY_PUBLIC_URL` set, that URL's host
 * alone. Without it, the request's Host header only when it names this machine's loopback:
 * any other Host header is the caller's choice (a DNS name rebound to Parley's address
 * carries its own), so believing it would let any page count as `self`.
 */
export function selfHost(hostHeader: string | undefined, publicUrl: string | undefined): string | undefined {
  if (publicUrl) return new URL(publicUrl).host;
  return hostHeader && LOOPBACK_HOST.test(hostHeader) ? hostHeader : undefined;
}

/**
 * An allowedOrigins entry as stored: `*`, `self`, or the origin as browsers send it (scheme and
 * host, a port if not the scheme's own; a trailing slash dropped, the host lowercased). Null for
 * what could never match a page: a host alone, a URL with a path, a wildcard host (the URL
 * parser takes `https://*.example.com`), a scheme other than http(s).
 */
export function allowedOriginEntry(value: string): string | null {
  const entry = value.trim();
  if (entry === '*' || entry === 'self') return entry;
  try {
    const url = new URL(entry);
    const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
    const web = url.protocol === 'https:' || url.protocol === 'http:';
    return web && bare && !url.hostname.includes('*') ? url.origin : null;
  } catch {
    return null;
  }
}

export function isOriginAllowed(
  allowed: string[],
  origin: string | undefined,
  host: string | undefined,
): boolean {
  if (allowed.includes('*')) return true;
  // Browsers send Origin on every cross-origin request and WebSocket; a same-origin GET
  // (Socket.IO's long-polling) carries none. So a missing Origin is the page's own origin.
  if (!origin) return allowed.includes('self');
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (allowed.includes('self') && host && parsed.host === host) return true;
  return allowed.some((entry) => entry !== 'self' && entry.replace(/\/$/, '') === parsed.origin);
}

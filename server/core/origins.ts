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

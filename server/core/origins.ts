/**
 * Which web origins may open a Flex Flow's widget. An entry is a full origin
 * (`https://shop.example.com`), `*` for any, or `self` for the origin Parley itself is served
 * from (what the demo uses, whatever host and port it runs on).
 */
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

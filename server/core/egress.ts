/**
 * Where Parley's own HTTP requests may go: bot flows' make-http-request, the external
 * integration and event webhooks. Public addresses are allowed; private, loopback,
 * link-local, unique-local and other special ranges are refused unless the host or network is
 * listed in `PARLEY_HTTP_ALLOW` (demo mode allows loopback, where the demo order service is).
 *
 * The check is on the resolved addresses, not the name: the host is resolved once, every
 * address checked, and the connection made to the checked address, so a DNS answer that
 * changes between check and connect (rebinding) cannot reach an internal service. Redirects
 * are followed by hand, each hop checked again, at most five.
 */
import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Refused by default: everything that is not the public Internet. */
const SPECIAL_RANGES: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 3, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];
const LOOPBACK: [string, number, 'ipv4' | 'ipv6'][] = [
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
];

export const MAX_REDIRECTS = 5;

/** A request the policy refused or that could not be made; its message names no visitor text. */
export class EgressError extends Error {
  override name = 'EgressError';
}

export interface EgressOptions {
  /** Hosts (`crm.internal`, `*.corp.example`), addresses and CIDR networks always allowed. */
  allow?: string[];
  /** Allow loopback addresses (demo mode: the bot calls Parley itself). */
  allowLoopback?: boolean;
}

export interface EgressRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  /** Bound on the whole exchange, redirects included. */
  timeoutMs: number;
  /** Bytes of the answer kept; the rest is not read. */
  maxBody: number;
}

export interface EgressResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Where the answer came from, after redirects. */
  url: URL;
}

export type EgressPolicy = ReturnType<typeof createEgressPolicy>;

/** Parses `PARLEY_HTTP_ALLOW`-style entries; throws an error naming a bad entry. */
export function parseAllowList(text: string | undefined): string[] {
  const entries = (text ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const valid =
      extra === undefined &&
      (bits === undefined
        ? family > 0 || /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(entry)
        : family > 0 && /^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
    if (!valid)
      throw new Error(
        `"${entry}" is not a host name, an IP address or a CIDR network (e.g. crm.internal, *.corp.example, 10.1.2.3, 10.0.0.0/8, fd00::/8)`,
      );
  }
  return entries;
}

/** An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is checked as the IPv4 address it is. */
function unmapped(address: string): { address: string; type: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return { address: mapped[1], type: 'ipv4' };
  return { address, type: isIP(address) === 4 ? 'ipv4' : 'ipv6' };
}

export function createEgressPolicy({ allow = [], allowLoopback = false }: EgressOptions = {}) {
  const entries = parseAllowList(allow.join(','));
  const denied = new BlockList();
  for (const [net, bits, type] of SPECIAL_RANGES) denied.addSubnet(net, bits, type);
  const loopback = new BlockList();
  for (const [net, bits, type] of LOOPBACK) loopback.addSubnet(net, bits, type);
  const allowed = new BlockList();
  const hosts: string[] = [];
  for (const entry of entries) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address);
    if (family === 0) hosts.push(entry);
    else if (bits === undefined) allowed.addAddress(address, family === 4 ? 'ipv4' : 'ipv6');
    else allowed.addSubnet(address, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
  }
  const hostListed = (host: string) =>
    hosts.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) : host === h));

  /** Why `address` may not be reached, or null when it may. */
  function refusal(host: string, raw: string): string | null {
    const { address, type } = unmapped(raw);
    if (hostListed(host) || allowed.check(address, type)) return null;
    if (loopback.check(address, type))
      return allowLoopback
        ? null
        : `${address} is a loopback address: list it in PARLEY_HTTP_ALLOW to allow it`;
    if (denied.check(address, type))
      return `${address} is a private or reserved address: list it in PARLEY_HTTP_ALLOW to allow it`;
    return null;
  }

  /** Resolves `url`'s host and checks every address; the one to connect to. */
  async function resolve(url: URL): Promise<{ address: string; family: number }> {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new EgressError(`only http and https URLs are allowed, got ${url.protocol}`);
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    let addresses: { address: string; family: number }[];
    try {
      addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true });
    } catch {
      throw new EgressError('the host name does not resolve');
    }
    if (addresses.length === 0) throw new EgressError('the host name does not resolve');
    // Every address is checked: a name that resolves to one public and one private address is refused.
    for (const { address } of addresses) {
      const why = refusal(host, address);
      if (why) throw new EgressError(`destination not allowed: ${why}`);
    }
    return addresses[0] as { address: string; family: number };
  }

  /** One hop, connected to the address `resolve` checked. */
  function send(req: EgressRequest, target: { address: string; family: number }, signal: AbortSignal) {
    const pinned: LookupFunction = (_host, options, callback) => {
      if ((options as { all?: boolean }).all)
        (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [target]);
      else callback(null, target.address, target.family);
    };
    const request = req.url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<IncomingMessage>((resolveResponse, reject) => {
      const outgoing = request(req.url, {
        method: req.method,
        headers: { 'accept-encoding': 'identity', ...req.headers },
        lookup: pinned,
        signal,
      });
      outgoing.on('response', resolveResponse);
      outgoing.on('error', reject);
      outgoing.end(req.body);
    });
  }

  async function readBody(res: IncomingMessage, maxBody: number): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= maxBody) {
        res.destroy();
        break;
      }
    }
    return Buffer.concat(chunks).subarray(0, maxBody).toString('utf8');
  }

  return {
    /** Throws an EgressError when `url` may not be reached. */
    async check(url: URL): Promise<void> {
      await resolve(url);
    },

    /**
     * Makes the request within the policy. HTTP errors are answers, not exceptions; a refused
     * destination, a network error, too many redirects or the time bound throw an EgressError.
     */
    async request(req: EgressRequest): Promise<EgressResponse> {
      const signal = AbortSignal.timeout(req.timeoutMs);
      let hop: EgressRequest = req;
      try {
        for (let redirects = 0; ; redirects++) {
          const res = await send(hop, await resolve(hop.url), signal);
          const location = res.headers.location;
          if (res.statusCode && res.statusCode >= 300 && res.statusCode < 400 && location) {
            res.resume();
            if (redirects >= MAX_REDIRECTS) throw new EgressError(`more than ${MAX_REDIRECTS} redirects`);
            const keepsMethod = res.statusCode === 307 || res.statusCode === 308;
            const next = new URL(location, hop.url);
            // As browsers do: a redirect to another origin does not carry the credentials.
            const headers = { ...hop.headers };
            if (next.origin !== hop.url.origin) delete headers.authorization;
            if (!keepsMethod) delete headers['content-type'];
            hop = {
              ...hop,
              url: next,
              headers,
              method: keepsMethod || hop.method === 'HEAD' ? hop.method : 'GET',
              body: keepsMethod ? hop.body : undefined,
            };
            continue;
          }
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
          const body = await readBody(res, req.maxBody);
          return { status: res.statusCode ?? 0, headers, body, url: hop.url };
        }
      } catch (err) {
        if (err instanceof EgressError) throw err;
        if (signal.aborted) throw new EgressError(`no answer within ${req.timeoutMs / 1000} s`);
        // Node's network errors name the address and port, never the path or query.
        const code = (err as { code?: string }).code;
        throw new EgressError(`the request failed${code ? ` (${code})` : ''}`);
      }
    },
  };
}

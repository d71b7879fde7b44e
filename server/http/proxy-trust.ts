/**
 * Which proxies Parley believes about the client's address (`PARLEY_TRUST_PROXY`).
 *
 * A request's own socket address is the last hop. A trusted hop may name the one before it in
 * `X-Forwarded-For`; Parley walks back from the socket through that header while hops are
 * trusted, and the first untrusted address is the client (the rule Express applies to
 * `req.ip`, so HTTP and Socket.IO agree on who a client is). Anyone can write the header, so
 * only hops named here are believed:
 *
 * - a hop count, `1`: believe that many hops (the socket's peer is hop 0), for a load balancer
 *   whose addresses change; `0` believes nobody;
 * - a comma list of addresses, CIDR ranges and the names `loopback`, `linklocal`,
 *   `uniquelocal`: believe hops from these, e.g. `loopback, 10.0.0.0/8`.
 *
 * The default is `loopback`: a proxy on the same machine.
 */
import { BlockList, isIP } from 'node:net';

/** Decides whether hop number `hop` (0 = the socket's peer), seen at `address`, is believed. */
export type TrustProxy = (address: string, hop: number) => boolean;

export const DEFAULT_TRUST_PROXY = 'loopback';

const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * Reads a `PARLEY_TRUST_PROXY` value; throws an Error naming the bad entry and the expected
 * form. Undefined or blank gives the default (loopback).
 *
 * @example parseTrustProxy('2')                    // believes two hops, whoever they are
 * @example parseTrustProxy('loopback, 10.0.0.0/8') // believes hops from these ranges
 */
export function parseTrustProxy(value: string | number | undefined): TrustProxy {
  const text = String(value ?? '').trim() || DEFAULT_TRUST_PROXY;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return (_address, hop) => hop < hops;
  }
  const list = new BlockList();
  for (const entry of text.split(',').map((part) => part.trim().toLowerCase())) {
    for (const range of NAMED_RANGES[entry] ?? [entry]) addRange(list, range, entry);
  }
  return (address) => {
    const plain = unmapped(address);
    const family = isIP(plain);
    return family !== 0 && list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
}

function addRange(list: BlockList, range: string, entry: string) {
  const [address = '', prefixText, ...rest] = range.split('/');
  const family = isIP(address);
  const max = family === 6 ? 128 : 32;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (family === 0 || rest.length > 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new Error(
      `PARLEY_TRUST_PROXY: "${entry}" is not a hop count, an IP address, a CIDR range or one of ` +
        'loopback, linklocal, uniquelocal; e.g. PARLEY_TRUST_PROXY=1 or PARLEY_TRUST_PROXY=loopback,10.0.0.0/8',
    );
  }
  list.addSubnet(address, prefix, family === 6 ? 'ipv6' : 'ipv4');
}

/** `::ffff:10.0.0.1` (an IPv4 client on a dual-stack socket) is `10.0.0.1`. */
function unmapped(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}

/**
 * The client's address: the socket's peer, or, while hops are trusted, the address each
 * names in `X-Forwarded-For` before it. Pass the header as it came (string, list or absent).
 *
 * @example
 *   const trust = parseTrustProxy('loopback');
 *   clientAddress('127.0.0.1', '203.0.113.9, 10.1.2.3', trust) // '10.1.2.3' (not trusted)
 *   clientAddress('10.1.2.3', '203.0.113.9', trust)            // '10.1.2.3' (header ignored)
 */
export function clientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trust: TrustProxy,
): string {
  const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .reverse();
  const hops = [unmapped(remoteAddress ?? ''), ...forwarded.map(unmapped)];
  for (let hop = 0; hop < hops.length - 1; hop++) {
    if (!trust(hops[hop] as string, hop)) return hops[hop] as string;
  }
  return hops.at(-1) as string;
}

import { describe, expect, it } from 'vitest';
import { clientAddress, parseTrustProxy } from '../../server/http/proxy-trust.ts';

describe('PARLEY_TRUST_PROXY', () => {
  it('believes a proxy on loopback by default and nobody else', () => {
    const trust = parseTrustProxy(undefined);
    expect(clientAddress('127.0.0.1', '203.0.113.9', trust)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:127.0.0.1', '203.0.113.9', trust)).toBe('203.0.113.9');
    expect(clientAddress('::1', '203.0.113.9', trust)).toBe('203.0.113.9');
    expect(clientAddress('198.51.100.7', '203.0.113.9', trust)).toBe('198.51.100.7');
  });

  it('stops at the first hop it does not trust, so a forged header entry is ignored', () => {
    const trust = parseTrustProxy('loopback, 10.0.0.0/8');
    // visitor forged "1.2.3.4"; the balancer 10.0.0.5 appended the visitor's real address
    const header = '1.2.3.4, 203.0.113.9, 10.0.0.5';
    expect(clientAddress('127.0.0.1', header, trust)).toBe('203.0.113.9');
  });

  it('counts hops when given a number, whatever their addresses', () => {
    expect(clientAddress('192.0.2.1', '1.2.3.4, 203.0.113.9', parseTrustProxy('1'))).toBe('203.0.113.9');
    expect(clientAddress('192.0.2.1', '1.2.3.4, 203.0.113.9', parseTrustProxy(2))).toBe('1.2.3.4');
    expect(clientAddress('127.0.0.1', '203.0.113.9', parseTrustProxy('0'))).toBe('127.0.0.1');
  });

  it('answers the leftmost address when every hop is trusted, and the peer without a header', () => {
    const trust = parseTrustProxy('5');
    expect(clientAddress('10.0.0.1', ['203.0.113.9', '10.0.0.2'], trust)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.1', undefined, trust)).toBe('10.0.0.1');
  });

  it('matches IPv6 ranges and single addresses', () => {
    const trust = parseTrustProxy('2001:db8::/32, 192.0.2.10');
    expect(clientAddress('2001:db8::1', '2001:db8:ffff::9, 198.51.100.1', trust)).toBe('198.51.100.1');
    expect(clientAddress('192.0.2.10', '198.51.100.1', trust)).toBe('198.51.100.1');
    expect(clientAddress('192.0.2.11', '198.51.100.1', trust)).toBe('192.0.2.11');
  });

  it('refuses an entry it cannot read, naming it and the forms it takes', () => {
    expect(() => parseTrustProxy('true')).toThrow(/PARLEY_TRUST_PROXY: "true" is not a hop count/);
    expect(() => parseTrustProxy('10.0.0.0/33')).toThrow(/"10.0.0.0\/33"/);
    expect(() => parseTrustProxy('loopback, proxy.internal')).toThrow(/"proxy.internal".*10\.0\.0\.0\/8/);
  });
});

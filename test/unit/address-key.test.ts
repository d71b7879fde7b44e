import { describe, expect, it } from 'vitest';
import { addressKey } from '../../server/core/rate-counter.ts';

describe('addressKey', () => {
  it('counts an IPv4 client by its address, however it is written', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::FFFF:203.0.113.9')).toBe('203.0.113.9');
  });

  it('counts every address of one IPv6 customer (a /56) as one client', () => {
    const key = addressKey('2001:db8:1:2a00::7');
    expect(key).toBe('2001:db8:1:2a00::/56');
    expect(addressKey('2001:db8:1:2aff:ffff:ffff:ffff:ffff')).toBe(key);
    expect(addressKey('2001:0db8:0001:2a01:0:0:0:1')).toBe(key);
    expect(addressKey('2001:db8:1:2a00::7%eth0')).toBe(key);
  });

  it('keeps neighbouring IPv6 customers apart', () => {
    expect(addressKey('2001:db8:1:2b00::1')).not.toBe(addressKey('2001:db8:1:2a00::1'));
    expect(addressKey('2001:db8:2:2a00::1')).not.toBe(addressKey('2001:db8:1:2a00::1'));
  });

  it('reads compressed forms and an IPv4 tail', () => {
    expect(addressKey('::1')).toBe('0:0:0:0::/56');
    expect(addressKey('2001:db8::1.2.3.4')).toBe('2001:db8:0:0::/56');
    expect(addressKey('1:2:3:4:5:6:7:8')).toBe('1:2:3:0::/56');
  });

  it('leaves anything that is not an address as it is', () => {
    expect(addressKey('')).toBe('');
    expect(addressKey('not-an-address')).toBe('not-an-address');
  });
});

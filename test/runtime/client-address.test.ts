// The client address on Node behind reverse proxies (TROVE_TRUSTED_PROXIES): CIDR matching,
// X-Forwarded-For and Forwarded parsing, and what a client can and cannot make Trove believe.
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { inRanges, parseIp, parseRange } from '../../src/features/limits/ip-ranges.ts';
import { clientAddressResolver, forwardedFor, hopAddress } from '../../src/runtime/node/client-address.ts';

const headers = (h: Record<string, string>) => (name: string) => h[name.toLowerCase()];

describe('trusted proxy ranges', () => {
  it('match IPv4 and IPv6 addresses inside a CIDR and nothing outside it', () => {
    const ranges = ['10.0.0.0/8', '192.0.2.7', '2001:db8::/32'].map((t) => parseRange(t)!);
    const match = (a: string) => inRanges(parseIp(a)!, ranges);
    expect(match('10.255.1.2')).toBe(true);
    expect(match('11.0.0.1')).toBe(false);
    expect(match('192.0.2.7')).toBe(true);
    expect(match('192.0.2.8')).toBe(false);
    expect(match('2001:db8:ffff::1')).toBe(true);
    expect(match('2001:db9::1')).toBe(false);
    // A dual-stack socket reports an IPv4 peer as IPv4-mapped IPv6: still inside 10.0.0.0/8.
    expect(match('::ffff:10.1.2.3')).toBe(true);
  });

  it('are read from TROVE_TRUSTED_PROXIES, and a malformed one stops start-up with a message naming it', () => {
    expect(parseConfig({}).trustedProxies).toEqual([]);
    expect(parseConfig({ TROVE_TRUSTED_PROXIES: '10.0.0.0/8, 2001:DB8::/32,127.0.0.1' }).trustedProxies).toEqual([
      '10.0.0.0/8',
      '2001:db8::/32',
      '127.0.0.1/32',
    ]);
    for (const bad of ['10.0.0.0/33', '10.0.0/8', '0x7f.1', '2001:db8::/129', 'proxy.example', '10.0.0.0/8,', '10.0.0.0/8/1', 'fe80::1%eth0']) {
      expect(() => parseConfig({ TROVE_TRUSTED_PROXIES: bad }), bad).toThrow(/TROVE_TRUSTED_PROXIES: expected comma-separated CIDRs/);
    }
  });
});

describe('the client address', () => {
  const behind = clientAddressResolver(['10.0.0.0/8', '2001:db8:1::/48']);

  it('is the socket peer when no proxy is trusted, whatever the headers say', () => {
    const none = clientAddressResolver([]);
    expect(none('203.0.113.5', headers({ 'x-forwarded-for': '198.51.100.1', forwarded: 'for=198.51.100.2' }))).toBe('203.0.113.5');
    expect(none('::ffff:203.0.113.5', headers({}))).toBe('203.0.113.5');
  });

  it('ignores spoofed headers from a peer outside the trusted ranges', () => {
    expect(behind('203.0.113.5', headers({ 'x-forwarded-for': '198.51.100.1' }))).toBe('203.0.113.5');
    expect(behind('203.0.113.5', headers({ forwarded: 'for=198.51.100.1' }))).toBe('203.0.113.5');
  });

  it('is the right-most untrusted hop of X-Forwarded-For through a chain of proxies', () => {
    // The client wrote "1.1.1.1" itself; the edge proxy appended the real client, the inner proxy the edge.
    const h = headers({ 'x-forwarded-for': '1.1.1.1, 198.51.100.9, 10.0.0.2' });
    expect(behind('10.0.0.3', h)).toBe('198.51.100.9');
    expect(behind('10.0.0.3', headers({ 'x-forwarded-for': '198.51.100.9' }))).toBe('198.51.100.9');
    // Every hop trusted (a client on the internal network): the left-most.
    expect(behind('10.0.0.3', headers({ 'x-forwarded-for': '10.9.9.9, 10.0.0.2' }))).toBe('10.9.9.9');
    // A trusted peer that forwarded nothing is the client itself.
    expect(behind('10.0.0.3', headers({}))).toBe('10.0.0.3');
  });

  it('reads IPv6 hops and peers, bracketed or not, with or without ports, in canonical form', () => {
    expect(behind('2001:db8:1::10', headers({ 'x-forwarded-for': '2001:DB8:2:0:0:0:0:1' }))).toBe('2001:db8:2::1');
    expect(behind('::ffff:10.0.0.3', headers({ 'x-forwarded-for': '[2001:db8:2::1]:4711, 203.0.113.4:8080' }))).toBe('203.0.113.4');
    expect(behind('10.0.0.3', headers({ forwarded: 'for="[2001:db8:2::1]:4711";proto=https, for=10.0.0.2' }))).toBe('2001:db8:2::1');
    expect(behind('10.0.0.3', headers({ 'x-forwarded-for': '::ffff:198.51.100.9' }))).toBe('198.51.100.9');
  });

  it('reads Forwarded only when there is no X-Forwarded-For, which most proxies write', () => {
    expect(behind('10.0.0.3', headers({ forwarded: 'for=198.51.100.1;by=10.0.0.3', 'x-forwarded-for': '198.51.100.2' }))).toBe('198.51.100.2');
    expect(behind('10.0.0.3', headers({ forwarded: 'For=198.51.100.1;proto=http, for=10.0.0.2' }))).toBe('198.51.100.1');
  });

  it('falls back to the socket address when the hop it needs is garbage', () => {
    for (const xff of ['garbage', 'unknown', '', '198.51.100.1, 300.1.1.1', '0x7f.1', '198.51.100.1,,', 'x'.repeat(5000)]) {
      expect(behind('10.0.0.3', headers({ 'x-forwarded-for': xff })), xff).toBe('10.0.0.3');
    }
    expect(behind('10.0.0.3', headers({ forwarded: 'for=unknown' }))).toBe('10.0.0.3');
    expect(behind('10.0.0.3', headers({ forwarded: 'for=_hidden, for=198.51.100.1' }))).toBe('198.51.100.1');
    expect(behind('10.0.0.3', headers({ forwarded: 'proto=https' }))).toBe('10.0.0.3');
    // Garbage the client wrote to the left of a real hop changes nothing.
    expect(behind('10.0.0.3', headers({ 'x-forwarded-for': 'garbage, 198.51.100.7' }))).toBe('198.51.100.7');
  });

  it('parses hops and Forwarded elements one by one', () => {
    expect(hopAddress('"203.0.113.4:80"')).toBe('203.0.113.4');
    expect(hopAddress('[::1]')).toBe('::1');
    expect(hopAddress('203.0.113.4:99999999')).toBeUndefined();
    expect(forwardedFor('for="a,b";by=x, for=192.0.2.1, by="q\\"x", for=[::1]')).toEqual([undefined, '192.0.2.1', undefined, '::1']);
  });
});

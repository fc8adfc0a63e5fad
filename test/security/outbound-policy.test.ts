// The shared outbound policy (pure: it runs on Node and Workers): IP text parsed to bytes,
// classified by the IANA special-purpose ranges, and URLs refused by address or name.
import { describe, expect, it } from 'vitest';
import { classifyAddress } from '../../src/features/outbound/address-class.ts';
import { parseIp } from '../../src/features/outbound/ip-address.ts';
import { outboundUrlProblem } from '../../src/features/outbound/url-policy.ts';

const classOf = (text: string) => classifyAddress(parseIp(text)!);

describe('IP address text', () => {
  it('reads every IPv6 spelling of one address onto the same bytes', () => {
    const forms = [
      '::ffff:127.0.0.1',
      '::FFFF:7F00:1',
      '[::ffff:7f00:1]',
      '0:0:0:0:0:ffff:7f00:1',
      '0000:0000:0000:0000:0000:FFFF:127.0.0.1',
      '::0:ffff:7f00:0001',
    ];
    const bytes = forms.map((f) => Array.from(parseIp(f) ?? []));
    for (const b of bytes) expect(b).toEqual(bytes[0]);
    expect(bytes[0]).toHaveLength(16);
  });

  it.each([
    '1::2::3',
    '12345::',
    ':1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
    '::ffff:1.2.3',
    '::ffff:1.2.3.256',
    'fe80::1%eth0',
    '[fe80::1%25eth0]',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '256.1.1.1',
    '[1.2.3.4]',
    'g::1',
    '',
  ])('is not fooled by %j', (text) => {
    expect(parseIp(text)).toBeNull();
  });
});

describe('address classes', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['192.0.2.2', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['198.18.0.1', 'benchmark'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.8', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fc00::1', 'unique-local'],
    ['fd00::2', 'unique-local'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'ipv4-mapped'],
    ['::ffff:a9fe:a9fe', 'ipv4-mapped'],
    ['::ffff:8.8.8.8', 'ipv4-mapped'],
    ['::127.0.0.1', 'ipv4-compatible'],
    ['::8.8.8.8', 'ipv4-compatible'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b:1::1', 'nat64'],
    ['2002:7f00:1::1', '6to4'],
    ['2001:0:4136:e378::1', 'teredo'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['2001:2::1', 'reserved'],
    ['100::1', 'reserved'],
    ['4000::1', 'reserved'],
  ])('classifies %s as %s', (text, cls) => {
    expect(classOf(text)).toBe(cls);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.215.14', '100.63.255.255', '172.32.0.1', '2606:4700:4700::1111', '2a00:1450:4001::200e', '64:ff9b::808:808'])(
    'classifies %s as public',
    (text) => {
      expect(classOf(text)).toBe('public');
    },
  );
});

describe('outbound URL policy', () => {
  it.each([
    'https://192.0.2.2:9390/h',
    'https://[::ffff:127.0.0.1]/h',
    'https://[::ffff:a9fe:a9fe]/h',
    'https://[64:ff9b::7f00:1]/h',
    'https://[fec0::1]/h',
    'https://localhost./h',
    'https://127.0.0.1:8443/jwks',
    'https://0x7f.1/h',
    'https://2130706433/h',
    'https://[::]/h',
    'https://0.0.0.0/h',
    'https://169.254.169.254/latest',
    'https://[fe80::1]/h',
    'https://[2002:7f00:1::1]/h',
    'https://[2001:0:4136:e378::1]/h',
    'https://[::127.0.0.1]/h',
    'https://LOCALHOST/h',
    'https://api.localhost/h',
    'https://metadata.google.internal/h',
    'https://printer.local/h',
    'https://metadata/h',
    'https://intranet./h',
    'http://hooks.brand.example/h',
    'https://user:pw@hooks.brand.example/h',
    'ftp://hooks.brand.example/h',
    'not a url',
  ])('refuses %s', (url) => {
    expect(outboundUrlProblem(url, false)).toEqual(expect.any(String));
  });

  it.each(['https://hooks.brand.example/trove', 'https://8.8.8.8/h', 'https://[2606:4700:4700::1111]/h', 'https://brand.example.:8443/h'])(
    'accepts %s',
    (url) => {
      expect(outboundUrlProblem(url, false)).toBeNull();
    },
  );

  it('with private targets allowed, lets loopback and private networks through but never link-local, unspecified or mapped forms', () => {
    for (const url of [
      'http://127.0.0.1:9/h',
      'http://localhost:9/h',
      'https://10.0.0.8/h',
      'http://[::1]:9/h',
      'http://[fd00::2]/h',
      'http://receiver.test/h',
    ]) {
      expect(outboundUrlProblem(url, true)).toBeNull();
    }
    for (const url of ['http://169.254.169.254/latest', 'http://0.0.0.0:9/h', 'http://[::ffff:127.0.0.1]/h', 'http://224.0.0.1/h', 'ftp://127.0.0.1/h']) {
      expect(outboundUrlProblem(url, true)).toEqual(expect.any(String));
    }
  });
});

// Classifies an IP address (bytes from ip-address.ts) by the IANA special-purpose
// registries, so the outbound policy can refuse everything that is not public unicast.
// Pure (no node: imports): the same table decides on Node and on Workers.
import { parseIPv4, parseIPv6 } from './ip-address.ts';

export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'documentation'
  | 'benchmark'
  | 'multicast'
  | 'broadcast'
  | 'reserved'
  | 'unique-local'
  | 'site-local'
  | 'ipv4-mapped'
  | 'ipv4-compatible'
  | 'nat64'
  | '6to4'
  | 'teredo';

/** What TROVE_WEBHOOK_ALLOW_PRIVATE lets through: loopback and private networks (tests, demos).
 *  Link-local (169.254.169.254, cloud metadata) and every non-unicast or tunnelled form stay refused. */
export const PRIVATE_CLASSES: ReadonlySet<AddressClass> = new Set(['loopback', 'private', 'unique-local', 'cgnat']);

type Rule = { prefix: Uint8Array; bits: number; cls: AddressClass | 'nat64-embedded' };

const v4 = (cidr: string, cls: AddressClass): Rule => {
  const [addr, bits] = cidr.split('/');
  return { prefix: parseIPv4(addr!)!, bits: Number(bits), cls };
};
const v6 = (cidr: string, cls: Rule['cls']): Rule => {
  const [addr, bits] = cidr.split('/');
  return { prefix: parseIPv6(addr!)!, bits: Number(bits), cls };
};

// Most specific first: the first matching rule decides (RFC 6890 and the IANA registries).
const V4_RULES: Rule[] = [
  v4('255.255.255.255/32', 'broadcast'),
  v4('0.0.0.0/8', 'unspecified'), // "this network": 0.0.0.0 reaches this host on Linux
  v4('10.0.0.0/8', 'private'),
  v4('100.64.0.0/10', 'cgnat'),
  v4('127.0.0.0/8', 'loopback'),
  v4('169.254.0.0/16', 'link-local'),
  v4('172.16.0.0/12', 'private'),
  v4('192.0.0.0/24', 'reserved'), // IETF protocol assignments
  v4('192.0.2.0/24', 'documentation'),
  v4('192.88.99.0/24', 'reserved'), // deprecated 6to4 relay anycast
  v4('192.168.0.0/16', 'private'),
  v4('198.18.0.0/15', 'benchmark'),
  v4('198.51.100.0/24', 'documentation'),
  v4('203.0.113.0/24', 'documentation'),
  v4('224.0.0.0/4', 'multicast'),
  v4('240.0.0.0/4', 'reserved'),
];

const V6_RULES: Rule[] = [
  v6('::/128', 'unspecified'),
  v6('::1/128', 'loopback'),
  v6('::ffff:0:0/96', 'ipv4-mapped'), // the socket would connect over IPv4 to the embedded address
  v6('::/96', 'ipv4-compatible'),
  // DNS64 answers 64:ff9b::a.b.c.d for IPv4-only hosts on IPv6-only networks: the NAT64
  // gateway connects to a.b.c.d, so that address decides (a public one is fine).
  v6('64:ff9b::/96', 'nat64-embedded'),
  v6('64:ff9b:1::/48', 'nat64'), // local-use NAT64 prefix: operator-specific translation
  v6('2001::/32', 'teredo'),
  v6('2001:db8::/32', 'documentation'),
  v6('2001::/23', 'reserved'), // IETF protocol assignments (benchmarking, ORCHID, …)
  v6('2002::/16', '6to4'),
  v6('3fff::/20', 'documentation'),
  v6('fc00::/7', 'unique-local'),
  v6('fe80::/10', 'link-local'),
  v6('fec0::/10', 'site-local'),
  v6('ff00::/8', 'multicast'),
];

const GLOBAL_UNICAST = v6('2000::/3', 'public');

function within(bytes: Uint8Array, rule: Rule): boolean {
  const whole = rule.bits >> 3;
  for (let i = 0; i < whole; i++) if (bytes[i] !== rule.prefix[i]) return false;
  const rest = rule.bits & 7;
  if (!rest) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (bytes[whole]! & mask) === (rule.prefix[whole]! & mask);
}

/** The class of a 4- or 16-byte address; anything IANA has not made global unicast is not 'public'. */
export function classifyAddress(bytes: Uint8Array): AddressClass {
  if (bytes.length === 4) return (V4_RULES.find((r) => within(bytes, r))?.cls as AddressClass | undefined) ?? 'public';
  const rule = V6_RULES.find((r) => within(bytes, r));
  if (rule?.cls === 'nat64-embedded') return classifyAddress(bytes.slice(12));
  if (rule) return rule.cls;
  return within(bytes, GLOBAL_UNICAST) ? 'public' : 'reserved';
}

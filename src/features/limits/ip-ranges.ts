// IP addresses and CIDR ranges for TROVE_TRUSTED_PROXIES, runtime-neutral (ipaddr.js, so
// configuration parses the same on Node and Workers). Rules: only plain notation counts
// (four-part decimal IPv4, standard IPv6; no "0x7f.1" or "127.1" shorthands, which
// ipaddr.js would otherwise accept); an IPv4-mapped IPv6 address (::ffff:10.0.0.1, how a
// dual-stack socket reports an IPv4 peer) is its IPv4 address, so it matches IPv4 ranges
// and spends the same budget as the plain form.
import ipaddr from 'ipaddr.js';

export type IpRange = { addr: ipaddr.IPv4 | ipaddr.IPv6; bits: number };

/** A plain IPv4 or IPv6 address, canonical (IPv4-mapped IPv6 as IPv4); undefined if it is not one. */
export function parseIp(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const t = text.trim();
  if (ipaddr.IPv4.isValidFourPartDecimal(t)) return ipaddr.IPv4.parse(t);
  // No zone ids (fe80::1%eth0): they name an interface on one host, not a peer.
  if (!t.includes(':') || t.includes('%') || !ipaddr.IPv6.isValid(t)) return undefined;
  const v6 = ipaddr.IPv6.parse(t);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

/** One CIDR ("10.0.0.0/8", "2001:db8::/32") or a single address; undefined if malformed. */
export function parseRange(text: string): IpRange | undefined {
  const [host = '', prefix, extra] = text.trim().split('/');
  if (extra !== undefined) return undefined;
  const addr = parseIp(host);
  if (!addr) return undefined;
  const written = host.includes(':') ? 128 : 32;
  if (prefix === undefined) return { addr, bits: addr.kind() === 'ipv4' ? 32 : 128 };
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > written) return undefined;
  // A mapped range (::ffff:10.0.0.0/104) becomes the IPv4 range it covers.
  const bits = Number(prefix) - (written === 128 && addr.kind() === 'ipv4' ? 96 : 0);
  return bits < 0 ? undefined : { addr, bits };
}

/** The canonical text of a range, as configuration keeps it. */
export function rangeText(r: IpRange): string {
  return `${r.addr.toString()}/${r.bits}`;
}

export function inRanges(addr: ipaddr.IPv4 | ipaddr.IPv6, ranges: readonly IpRange[]): boolean {
  return ranges.some((r) => r.addr.kind() === addr.kind() && addr.match(r.addr, r.bits));
}

// The client address on Node: the socket's peer, unless that peer is one of the operator's
// reverse proxies (TROVE_TRUSTED_PROXIES). Rules:
// - Without trusted proxies, or from a peer outside them, X-Forwarded-For and Forwarded
//   are ignored: anyone can write them.
// - From a trusted peer, the hops are walked from the right (the hop each proxy appended)
//   and the first address outside the trusted ranges is the client; what is left of it was
//   written by the client and is never believed. If every hop is trusted, the left-most is.
// - X-Forwarded-For is read when present, else Forwarded's for= (RFC 7239): most proxies
//   write X-Forwarded-For and pass a client's Forwarded through untouched, so Forwarded is
//   believed only from a proxy that writes it instead (and should drop X-Forwarded-For).
// - A hop that is not a plain address (garbage, "unknown", an obfuscated name) ends the
//   walk with the socket's address: nothing behind it can be attributed.
// Addresses come back canonical (IPv4-mapped IPv6 as IPv4), so one client has one budget.
import { inRanges, parseIp, parseRange, type IpRange } from '../../features/limits/ip-ranges.ts';

/** At most this many hops are walked; a longer chain is answered at its 32nd hop from the right. */
const MAX_HOPS = 32;

export type Header = (name: string) => string | undefined;

export function clientAddressResolver(trustedProxies: readonly string[]): (peer: string | undefined, header: Header) => string | undefined {
  const ranges = trustedProxies.map((t) => parseRange(t)).filter((r): r is IpRange => r !== undefined);
  return (peer, header) => {
    const socket = peer === undefined ? undefined : parseIp(peer);
    if (!socket) return peer;
    if (!ranges.length || !inRanges(socket, ranges)) return socket.toString();
    const xff = header('x-forwarded-for');
    const forwarded = header('forwarded');
    const hops = xff !== undefined ? xff.split(',').map(hopAddress) : forwarded !== undefined ? forwardedFor(forwarded) : [];
    let addr = socket.toString();
    for (let i = hops.length - 1, n = 0; i >= 0 && n < MAX_HOPS; i--, n++) {
      const hop = hops[i];
      if (hop === undefined) return socket.toString();
      addr = hop;
      if (!inRanges(parseIp(hop)!, ranges)) return hop;
    }
    return addr;
  };
}

/** One hop as a proxy writes it: a bare address, "[v6]" or "[v6]:port", "v4:port", maybe quoted. */
export function hopAddress(text: string): string | undefined {
  let t = text.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) t = t.slice(1, -1);
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(t);
  if (bracketed) t = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(t)) t = t.slice(0, t.indexOf(':'));
  return parseIp(t)?.toString();
}

/**
 * The for= of each element of a Forwarded header, in order; undefined for an element
 * without a usable one. Elements are split on commas outside quoted strings, and each
 * is read on its own, so one malformed element does not hide the ones after it.
 */
export function forwardedFor(header: string): (string | undefined)[] {
  const elements: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const ch = header[i]!;
    if (ch === '\\' && quoted) {
      current += ch + (header[++i] ?? '');
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      elements.push(current);
      current = '';
    } else current += ch;
  }
  elements.push(current);
  return elements.map((el) => {
    const pair = el
      .split(';')
      .map((p) => p.trim())
      .find((p) => p.slice(0, 4).toLowerCase() === 'for=');
    return pair === undefined ? undefined : hopAddress(pair.slice(4));
  });
}

// Which URLs Trove itself will call (webhooks, jwks_uri, anything later): https without
// credentials, on a public host. Literal addresses are classified by bytes, and names that
// only mean something inside the operator's network are refused; the outbound clients
// apply the same rules again to every resolved address at connect time.
import { classifyAddress, PRIVATE_CLASSES } from './address-class.ts';
import { parseIp } from './ip-address.ts';

export const ALLOW_PRIVATE_HINT = 'set TROVE_WEBHOOK_ALLOW_PRIVATE=true only for local tests';

// Names resolved by the host's own search path or local resolvers, never the public DNS:
// "localhost" (RFC 6761, also with a trailing dot), mDNS, home networks, cloud-internal zones.
const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa', '.lan', '.intranet'];

/** Why an address is not one Trove calls, or null. With allowPrivate, loopback and private networks pass. */
export function addressProblem(bytes: Uint8Array, allowPrivate: boolean): string | null {
  const cls = classifyAddress(bytes);
  if (cls === 'public' || (allowPrivate && PRIVATE_CLASSES.has(cls))) return null;
  const what = `points at ${/^[aeiou]/.test(cls) ? 'an' : 'a'} ${cls} address`;
  return PRIVATE_CLASSES.has(cls) ? `${what} (${ALLOW_PRIVATE_HINT})` : what;
}

/** Host names that cannot be a public service: single labels (resolved via search domains) and local zones. */
export function hostnameProblem(hostname: string): string | null {
  const name = hostname.toLowerCase().replace(/\.+$/, '');
  if (name === 'localhost' || LOCAL_SUFFIXES.some((s) => name.endsWith(s))) return `names a local host (${ALLOW_PRIVATE_HINT})`;
  if (!name.includes('.')) return `names a single-label host, which only a local resolver answers (${ALLOW_PRIVATE_HINT})`;
  return null;
}

/** Why Trove will not send requests to this URL, or null. Used at registration and before every request. */
export function outboundUrlProblem(raw: string, allowPrivate: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be https';
  if (url.username || url.password) return 'must not carry credentials';
  if (!allowPrivate && url.protocol !== 'https:') return 'must be https';
  // The URL parser has already turned 0x7f.1, 2130706433 and friends into dotted quads.
  const host = url.hostname;
  const literal = parseIp(host);
  if (literal) return addressProblem(literal, allowPrivate);
  if (host.startsWith('[')) return 'has an IPv6 address Trove cannot read';
  return allowPrivate ? null : hostnameProblem(host);
}

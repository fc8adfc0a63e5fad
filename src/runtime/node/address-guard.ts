// Resolves an outbound host once and vets every answer before anything connects: all
// addresses must be public and none may be an address of this host's own interfaces (with
// TROVE_WEBHOOK_ALLOW_PRIVATE, loopback and private ones pass, and reaching this host is
// the point). The vetted list is exactly what the socket is given.
import { lookup } from 'node:dns/promises';
import { networkInterfaces } from 'node:os';
import { OutboundFailed } from '../../errors.ts';
import { parseIp } from '../../features/outbound/ip-address.ts';
import { addressProblem } from '../../features/outbound/url-policy.ts';

export type ResolvedAddress = { address: string; family: 4 | 6 };
/** Every address a name resolves to. Injectable so tests can answer as a hostile DNS would. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

/** getaddrinfo, so /etc/hosts counts exactly as it would for any other client on the host. */
export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, order: 'verbatim' })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

/** Addresses of this host's interfaces, read per request (they change with DHCP, VPNs, containers). */
export const systemInterfaceAddresses = (): string[] => Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));

export type GuardOptions = { allowPrivate: boolean; resolve: Resolver; interfaceAddresses: () => string[] };

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** The addresses to connect to for `hostname` (a name or a literal), each one vetted. */
export async function vettedAddresses(hostname: string, opts: GuardOptions): Promise<ResolvedAddress[]> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const literal = parseIp(hostname);
  let answers: ResolvedAddress[];
  if (literal) {
    answers = [{ address: bare, family: literal.length === 4 ? 4 : 6 }];
  } else {
    try {
      answers = await opts.resolve(hostname);
    } catch (err) {
      throw new OutboundFailed('unresolvable', 'host does not resolve', err instanceof Error ? err.message : String(err));
    }
    if (!answers.length) throw new OutboundFailed('unresolvable', 'host does not resolve');
  }
  const own = opts.allowPrivate
    ? []
    : opts
        .interfaceAddresses()
        .map((a) => parseIp(a.split('%')[0]!))
        .filter((b) => b !== null);
  for (const answer of answers) {
    const bytes = parseIp(answer.address);
    // One refused answer refuses the host: a rebinding name answers public first, internal second.
    const problem = !bytes
      ? 'is not an IP address'
      : (addressProblem(bytes, opts.allowPrivate) ?? (own.some((o) => sameBytes(o, bytes)) ? 'is an address of this host' : null));
    if (problem) {
      throw new OutboundFailed(
        'refused',
        literal ? `URL refused: ${problem}` : 'URL refused: resolves to an address Trove does not call',
        `${hostname} → ${answer.address} ${problem}`,
      );
    }
  }
  return answers;
}

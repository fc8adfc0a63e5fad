// Connect-time SSRF refusals of the Node outbound client: every internal address form is
// refused whether it is written in the URL or answered by DNS for a name that passed
// registration, including rebinding answers and this host's own interface addresses.
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { OutboundFailed } from '../../src/errors.ts';
import type { OutboundRequest } from '../../src/features/outbound/outbound.ts';
import { outboundUrlProblem } from '../../src/features/outbound/url-policy.ts';
import type { ResolvedAddress } from '../../src/runtime/node/address-guard.ts';
import { createNodeOutbound } from '../../src/runtime/node/outbound.ts';
import { connectionCounter } from '../helpers/probe-servers.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const family = (address: string): 4 | 6 => (address.includes(':') ? 6 : 4);

/** A resolver answering fixed addresses for every name, recording the names it was asked. */
function fakeDns(...answers: string[]) {
  const asked: string[] = [];
  const resolve = async (name: string): Promise<ResolvedAddress[]> => {
    asked.push(name);
    return answers.map((address) => ({ address, family: family(address) }));
  };
  return { asked, resolve };
}

async function refusal(url: string, opts: { answers?: string[]; interfaces?: string[] } = {}) {
  const probe = await connectionCounter();
  cleanups.push(probe.close);
  const dns = fakeDns(...(opts.answers ?? ['93.184.215.14']));
  const outbound = createNodeOutbound({ allowPrivate: false, resolve: dns.resolve, interfaceAddresses: opts.interfaces ? () => opts.interfaces! : undefined });
  const req: OutboundRequest = { method: 'POST', url: url.replace('PORT', String(probe.port)), body: '{}', timeoutMs: 2000, maxBytes: 0 };
  const err = await outbound.request(req).then(
    () => null,
    (e: unknown) => e,
  );
  return { err: err as OutboundFailed, asked: dns.asked, connections: probe.connections() };
}

// The forms the issue found accepted, and their relatives, written into the URL itself.
const LITERAL_FORMS = [
  'https://192.0.2.2:PORT/h',
  'https://[::ffff:127.0.0.1]:PORT/h',
  'https://[::ffff:a9fe:a9fe]:PORT/h',
  'https://[64:ff9b::7f00:1]:PORT/h',
  'https://[fec0::1]:PORT/h',
  'https://localhost.:PORT/h',
  'https://127.0.0.1:PORT/jwks',
  'https://[::1]:PORT/h',
  'https://0.0.0.0:PORT/h',
  'https://[::]:PORT/h',
  'https://169.254.169.254:PORT/latest',
  'https://10.0.0.8:PORT/h',
  'https://[::127.0.0.1]:PORT/h',
  'http://8.8.8.8:PORT/h',
];

// What a hostile or rebinding DNS can answer for a name that passed registration.
const RESOLVED_FORMS = [
  '127.0.0.1',
  '127.1.2.3',
  '::1',
  '::ffff:127.0.0.1',
  '::ffff:a9fe:a9fe',
  '64:ff9b::7f00:1',
  'fec0::1',
  '169.254.169.254',
  '10.0.0.8',
  '172.16.5.4',
  '192.168.1.1',
  '100.64.0.1',
  '192.0.2.2',
  'fd00::2',
  'fe80::1',
  '0.0.0.0',
  '::',
  '2002:7f00:1::1',
  '2001:0:4136:e378::1',
  '::127.0.0.1',
  '224.0.0.1',
  '255.255.255.255',
  '240.0.0.1',
];

describe('outbound requests at connect time', () => {
  it.each(LITERAL_FORMS)('refuses %s without a lookup or a connection', async (url) => {
    const { err, asked, connections } = await refusal(url);
    expect(err).toBeInstanceOf(OutboundFailed);
    expect(err.reason).toBe('refused');
    expect(asked).toEqual([]);
    expect(connections).toBe(0);
  });

  it.each(RESOLVED_FORMS)('refuses a registered name that resolves to %s, and says not which address', async (address) => {
    expect(outboundUrlProblem('https://hooks.brand.example/trove', false)).toBeNull();
    const { err, asked, connections } = await refusal('https://hooks.brand.example:PORT/trove', { answers: [address] });
    expect(err).toBeInstanceOf(OutboundFailed);
    expect(err.reason).toBe('refused');
    expect(err.message).toBe('URL refused: resolves to an address Trove does not call');
    expect(asked).toEqual(['hooks.brand.example']);
    expect(connections).toBe(0);
  });

  it('refuses a name whose resolver answers a public address first and loopback second', async () => {
    const { err, asked, connections } = await refusal('https://rebind.brand.example:PORT/h', { answers: ['93.184.215.14', '127.0.0.1'] });
    expect(err.reason).toBe('refused');
    expect(asked).toHaveLength(1);
    expect(connections).toBe(0);
  });

  it("refuses this host's own interface addresses, even a public one", async () => {
    const { err } = await refusal('https://hooks.brand.example:PORT/h', { answers: ['93.184.215.14'], interfaces: ['127.0.0.1', '93.184.215.14'] });
    expect(err.reason).toBe('refused');
    expect(err.detail).toMatch(/address of this host/);
    const own = Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((a) => a.address));
    for (const address of own) {
      const r = await refusal('https://hooks.brand.example:PORT/h', { answers: [address] });
      expect(r.err?.reason, address).toBe('refused');
      expect(r.connections).toBe(0);
    }
  });

  it('refuses a name that does not resolve, without saying more', async () => {
    const outbound = createNodeOutbound({
      allowPrivate: false,
      resolve: async () => {
        throw new Error('getaddrinfo ENOTFOUND secret-internal-name');
      },
    });
    const err = await outbound
      .request({ method: 'GET', url: 'https://gone.brand.example/jwks', timeoutMs: 1000, maxBytes: 10 })
      .catch((e: unknown) => e as OutboundFailed);
    expect(err).toMatchObject({ reason: 'unresolvable', message: 'host does not resolve' });
  });
});

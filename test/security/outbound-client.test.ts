// How the Node outbound client talks once an address is vetted: it connects to exactly that
// address (one lookup, none by the OS), TLS still checks the URL's name, redirects are
// answers, not instructions, and the exchange has a deadline and a body cap.
import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundFailed } from '../../src/errors.ts';
import type { ResolvedAddress } from '../../src/runtime/node/address-guard.ts';
import { createNodeOutbound } from '../../src/runtime/node/outbound.ts';
import { createWorkerOutbound } from '../../src/runtime/workers/outbound.ts';
import { connectionCounter, probeServer, TEST_CA, type Handler } from '../helpers/probe-servers.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function server(handler: Handler, opts: { tls?: boolean } = {}) {
  const s = await probeServer(handler, opts);
  cleanups.push(s.close);
  return s;
}

/** Names under .test answer 127.0.0.1 here and nowhere else: the OS resolver knows none of them. */
function testDns() {
  const asked: string[] = [];
  const resolve = async (name: string): Promise<ResolvedAddress[]> => {
    asked.push(name);
    return [{ address: '127.0.0.1', family: 4 }];
  };
  return { asked, resolve };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as OutboundFailed,
  );

describe('the Node outbound client', () => {
  it('connects to the vetted address with one lookup, for a name no other resolver knows', async () => {
    const s = await server((_req, res) => res.writeHead(202).end());
    const dns = testDns();
    const outbound = createNodeOutbound({ allowPrivate: true, resolve: dns.resolve });
    const res = await outbound.request({ method: 'POST', url: `http://receiver.test:${s.port}/events`, body: 'set', timeoutMs: 2000, maxBytes: 0 });
    expect(res.status).toBe(202);
    expect(dns.asked).toEqual(['receiver.test']);
    expect(s.seen[0]!.headers.host).toBe(`receiver.test:${s.port}`);
  });

  it('still verifies the TLS certificate against the URL host name, not the pinned address', async () => {
    const s = await server((_req, res) => res.writeHead(200).end('{"keys":[]}'), { tls: true });
    const outbound = createNodeOutbound({ allowPrivate: true, resolve: testDns().resolve, ca: TEST_CA });
    const ok = await outbound.request({ method: 'GET', url: `https://hooks.trove.test:${s.port}/jwks`, timeoutMs: 2000, maxBytes: 1024 });
    expect(ok.status).toBe(200);
    const wrong = await failure(outbound.request({ method: 'GET', url: `https://other.trove.test:${s.port}/jwks`, timeoutMs: 2000, maxBytes: 1024 }));
    expect(wrong).toMatchObject({ reason: 'network', message: 'connection failed' });
    expect(wrong!.detail).toMatch(/altnames|ERR_TLS_CERT_ALTNAME_INVALID/);
    expect(s.hits()).toBe(1);
  });

  it('answers a redirect with its status and never follows it', async () => {
    const target = await server((_req, res) => res.writeHead(200).end());
    const s = await server((_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${target.port}/internal` }).end());
    for (const outbound of [createNodeOutbound({ allowPrivate: true }), createWorkerOutbound({ allowPrivate: true })]) {
      const res = await outbound.request({ method: 'POST', url: `http://127.0.0.1:${s.port}/hook`, body: 'x', timeoutMs: 2000, maxBytes: 0 });
      expect(res.status).toBe(302);
    }
    expect(target.hits()).toBe(0);
  });

  it('gives up at the deadline when the server never answers', async () => {
    const s = await server(() => {}); // holds every request open
    for (const outbound of [createNodeOutbound({ allowPrivate: true }), createWorkerOutbound({ allowPrivate: true })]) {
      const started = Date.now();
      const err = await failure(outbound.request({ method: 'GET', url: `http://127.0.0.1:${s.port}/slow`, timeoutMs: 300, maxBytes: 100 }));
      expect(err).toMatchObject({ reason: 'timeout', message: 'timed out' });
      expect(Date.now() - started).toBeLessThan(3000);
    }
  });

  it('refuses a body over the cap, and with a cap of 0 answers the status without reading an endless body', async () => {
    const big = await server((_req, res) => res.writeHead(200).end('x'.repeat(100 * 1024)));
    const endless = await server((_req, res) => {
      res.writeHead(200);
      const drip = setInterval(() => res.write('x'.repeat(1024)), 5);
      res.on('close', () => clearInterval(drip));
    });
    for (const outbound of [createNodeOutbound({ allowPrivate: true }), createWorkerOutbound({ allowPrivate: true })]) {
      const err = await failure(outbound.request({ method: 'GET', url: `http://127.0.0.1:${big.port}/jwks`, timeoutMs: 2000, maxBytes: 64 * 1024 }));
      expect(err).toMatchObject({ reason: 'too-large', message: 'response too large' });
      const res = await outbound.request({ method: 'POST', url: `http://127.0.0.1:${endless.port}/hook`, body: 'x', timeoutMs: 2000, maxBytes: 0 });
      expect(res).toEqual({ status: 200, body: new Uint8Array(0) });
    }
  });

  it('reaches loopback when private targets are allowed (TROVE_WEBHOOK_ALLOW_PRIVATE), and not otherwise', async () => {
    const probe = await connectionCounter();
    cleanups.push(probe.close);
    const url = `http://127.0.0.1:${probe.port}/h`;
    await failure(createNodeOutbound({ allowPrivate: false }).request({ method: 'GET', url, timeoutMs: 1000, maxBytes: 10 }));
    expect(probe.connections()).toBe(0);
    const err = await failure(createNodeOutbound({ allowPrivate: true }).request({ method: 'GET', url, timeoutMs: 1000, maxBytes: 10 }));
    expect(err).toMatchObject({ reason: 'network' });
    expect(probe.connections()).toBe(1);
  });
});

describe('the Workers outbound client', () => {
  it.each([
    'https://[::ffff:127.0.0.1]/h',
    'https://[64:ff9b::7f00:1]/h',
    'https://[fec0::1]/h',
    'https://localhost./h',
    'https://127.0.0.1:8443/jwks',
    'https://192.0.2.2:9390/h',
  ])('refuses %s before fetching', async (url) => {
    const err = await failure(createWorkerOutbound({ allowPrivate: false }).request({ method: 'GET', url, timeoutMs: 1000, maxBytes: 10 }));
    expect(err).toMatchObject({ reason: 'refused' });
  });
});

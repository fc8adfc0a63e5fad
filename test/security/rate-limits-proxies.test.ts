// Rate limits behind a reverse proxy, on a real Trove process (the Node adapter reads the
// socket): with the proxy trusted, visitors it forwards get a budget each; from a peer
// that is not trusted, X-Forwarded-For is ignored, so a client cannot pick its address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/features/limits/rate-limiter.ts';
import { awayFromWindowEdge } from '../helpers/limit-window.ts';
import { liveServer, type LiveServer } from '../helpers/live-server.ts';

const SCALE = 0.05;
const budget = Math.floor(DEFAULT_LIMITS.signin.perIp * SCALE);
let trusting: LiveServer;
let distrusting: LiveServer;

beforeAll(async () => {
  // The test talks to both from 127.0.0.1: one trusts loopback as its proxy, the other only 10.0.0.0/8.
  trusting = await liveServer({ TROVE_TRUSTED_PROXIES: '127.0.0.1/32,::1', TROVE_RATE_LIMIT_SCALE: String(SCALE) });
  distrusting = await liveServer({ TROVE_TRUSTED_PROXIES: '10.0.0.0/8', TROVE_RATE_LIMIT_SCALE: String(SCALE) });
  await Promise.all([trusting.start(), distrusting.start()]);
}, 60_000);

afterAll(async () => {
  await Promise.all([trusting?.cleanup(), distrusting?.cleanup()]);
});

const signInFrom = (server: LiveServer, forwardedFor: string) =>
  fetch(`${server.base}/api/passkeys/login/options`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
    body: '{}',
  }).then((r) => r.status);

describe('rate limits behind a trusted reverse proxy', () => {
  it('give two visitors the proxy forwards separate budgets', async () => {
    // On PostgreSQL the windows are the database's, aligned to the minute.
    await awayFromWindowEdge();
    // A client-written hop to the left of the proxy's own is not believed either.
    for (let i = 0; i < budget; i++) expect(await signInFrom(trusting, `198.51.100.${i}, 203.0.113.10`)).toBe(200);
    expect(await signInFrom(trusting, '203.0.113.10')).toBe(429);
    expect(await signInFrom(trusting, '203.0.113.11')).toBe(200);
    expect(await signInFrom(trusting, '2001:db8::11')).toBe(200);
  });

  it('do not let a peer that is not a trusted proxy pick its address with X-Forwarded-For', async () => {
    await awayFromWindowEdge();
    for (let i = 0; i < budget; i++) expect(await signInFrom(distrusting, `203.0.113.${i}`)).toBe(200);
    // Every request counted against the socket's address: a fresh forged address does not help.
    expect(await signInFrom(distrusting, '198.51.100.200')).toBe(429);
  });
});

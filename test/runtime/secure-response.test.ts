// The security headers on a real Node server: every response of the running Trove process
// carries exactly the headers securityHeaders() names, once each, whatever answered it (a
// route, an OAuth error, the error handler, the 404, the portal's files, HEAD), the same
// set the app gives where it sets them itself (app.request, Workers). The response class
// that adds them has the final say over a header of the same name in any case, and covers
// heads written implicitly. The request id rides the same way: one X-Request-Id on every
// answer, the caller's when well formed.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { securityHeaders } from '../../src/http/security-headers.ts';
import { secureResponseClass, type SecureResponse } from '../../src/runtime/node/secure-response.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { liveServer, type LiveServer } from '../helpers/live-server.ts';

/** A response's raw header lines as [lower-case name, value] pairs (duplicates kept). */
function rawHead(
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; head: [string, string][] }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers }, (res: IncomingMessage) => {
      const head: [string, string][] = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2) head.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!]);
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode!, head }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const ours = (head: [string, string][], names: string[]) => head.filter(([n]) => names.includes(n)).sort(([a], [b]) => a.localeCompare(b));

const REQUESTS: [string, { method?: string; body?: string; headers?: Record<string, string> }, number][] = [
  ['/healthz', {}, 200],
  ['/healthz', { method: 'HEAD' }, 200],
  ['/v1/attributes', {}, 401],
  ['/no/such/path', { method: 'POST' }, 404],
  ['/oauth/token', { method: 'POST', body: 'grant_type=nope', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 401],
  ['/', {}, 200],
];

describe('the security headers of the Node server', () => {
  let live: LiveServer;
  let https: LiveServer;
  let deps: TestDeps;
  beforeAll(async () => {
    live = await liveServer();
    await live.start();
    https = await liveServer({ TROVE_ORIGIN: 'https://vault.example' });
    await https.start();
    deps = await testDeps({ origin: live.origin });
  });
  afterAll(async () => {
    await live?.cleanup();
    await https?.cleanup();
    await deps?.store.close();
  });

  it('are on every answer of the running server, once each, as the app sets them in process', async () => {
    const expected = Object.entries(securityHeaders(live.origin)).sort(([a], [b]) => a.localeCompare(b));
    const names = expected.map(([n]) => n);
    const app = createApp(deps);
    for (const [path, init, status] of REQUESTS) {
      const res = await rawHead(`${live.base}${path}`, init);
      expect([path, res.status]).toEqual([path, status]);
      expect([path, ours(res.head, names)]).toEqual([path, expected]);
      // The app's own middleware gives the same set for the same request (the portal is not
      // served in process, so `/` is a 404 there: its headers still count).
      const inProcess = await app.request(path, { method: init.method ?? 'GET', body: init.body, headers: init.headers });
      expect([path, names.map((n) => [n, inProcess.headers.get(n)])]).toEqual([path, expected]);
    }
  });

  it("carry one X-Request-Id on every answer: the caller's when well formed, else a new UUID, as in process", async () => {
    const app = createApp(deps);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    for (const [path, init] of REQUESTS) {
      for (const [given, expected] of [
        ['edge-42_abc=', 'edge-42_abc='],
        ['x'.repeat(255), 'x'.repeat(255)],
        ['x'.repeat(256), uuid],
        ['has space', uuid],
        ['', uuid],
        [undefined, uuid],
      ] as const) {
        const headers = { ...init.headers, ...(given === undefined ? {} : { 'x-request-id': given }) };
        const { head } = await rawHead(`${live.base}${path}`, { ...init, headers });
        const ids = head.filter(([n]) => n === 'x-request-id').map(([, v]) => v);
        expect([path, given, ids.length]).toEqual([path, given, 1]);
        if (typeof expected === 'string') expect([path, ids[0]]).toEqual([path, expected]);
        else expect([path, ids[0]]).toEqual([path, expect.stringMatching(expected)]);
        const inProcess = (await app.request(path, { method: init.method ?? 'GET', body: init.body, headers })).headers.get('x-request-id')!;
        if (typeof expected === 'string') expect([path, inProcess]).toEqual([path, expected]);
        else expect([path, inProcess]).toEqual([path, expect.stringMatching(expected)]);
      }
    }
  });

  it('include Strict-Transport-Security when the public origin is https', async () => {
    const res = await rawHead(`${https.base}/healthz`);
    expect(res.head.filter(([n]) => n === 'strict-transport-security')).toEqual([['strict-transport-security', 'max-age=15552000; includeSubDomains']]);
    expect((await rawHead(`${live.base}/healthz`)).head.some(([n]) => n === 'strict-transport-security')).toBe(false);
  });
});

describe('the response class that adds them', () => {
  const headers = securityHeaders('http://localhost');
  let server: ReturnType<typeof createServer>;
  let base: string;
  const handlers = new Map<string, (res: ServerResponse) => void>([
    ['/given', (res) => res.writeHead(200, { 'X-Frame-Options': 'SAMEORIGIN', 'x-custom': 'kept' }).end('a')],
    ['/message', (res) => res.writeHead(201, 'Made', { 'Referrer-Policy': 'origin' }).end()],
    ['/implicit', (res) => res.end('no writeHead at all')],
    ['/set-before', (res) => res.setHeader('referrer-policy', 'unsafe-url').writeHead(200).end()],
    [
      '/named',
      (res) => {
        (res as SecureResponse).requestId = 'the-request';
        res.writeHead(200, { 'X-Request-Id': 'a-handler-s' }).end();
      },
    ],
    [
      '/named-implicit',
      (res) => {
        (res as SecureResponse).requestId = 'the-request';
        res.end('no writeHead at all');
      },
    ],
  ]);
  beforeAll(async () => {
    server = createServer({ ServerResponse: secureResponseClass(headers) }, (req, res) => handlers.get(req.url!)!(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('has the final say over a header of the same name, in any case, and keeps the others', async () => {
    const { head } = await rawHead(`${base}/given`);
    expect(head.filter(([n]) => n === 'x-frame-options')).toEqual([['x-frame-options', 'DENY']]);
    expect(head).toContainEqual(['x-custom', 'kept']);
    const message = await rawHead(`${base}/message`);
    expect(message.status).toBe(201);
    expect(message.head.filter(([n]) => n === 'referrer-policy')).toEqual([['referrer-policy', 'no-referrer']]);
    const before = await rawHead(`${base}/set-before`);
    expect(before.head.filter(([n]) => n === 'referrer-policy')).toEqual([['referrer-policy', 'no-referrer']]);
  });

  it('writes the request id it was given, over any the handler set, and none when it was given none', async () => {
    for (const path of ['/named', '/named-implicit']) {
      const { head } = await rawHead(`${base}${path}`);
      expect([path, head.filter(([n]) => n === 'x-request-id')]).toEqual([path, [['x-request-id', 'the-request']]]);
    }
    expect((await rawHead(`${base}/given`)).head.some(([n]) => n === 'x-request-id')).toBe(false);
  });

  it('adds them to a head written implicitly by the first write', async () => {
    const { head } = await rawHead(`${base}/implicit`);
    for (const [name, value] of Object.entries(headers)) expect(head.filter(([n]) => n === name)).toEqual([[name, value]]);
  });
});

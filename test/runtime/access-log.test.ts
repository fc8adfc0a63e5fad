// The access log of a real Trove process: one JSON line per request on stdout with the
// request id, method, route template, status, duration and actor type — and nothing else:
// requests carrying a token, a session, a value, ids in the path and a secret in the
// query leave none of them in stdout or stderr. TROVE_LOG_LEVEL=warn silences it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveGrant, type LiveGrant } from '../helpers/live-grant.ts';
import { liveServer, type LiveServer } from '../helpers/live-server.ts';
import { read } from '../helpers/raw-oauth.ts';

type Line = {
  t: string;
  level: string;
  msg: string;
  request_id: string;
  method: string;
  route: string;
  status: number;
  duration_ms: number;
  actor_type: string;
};

const VALUE = 'a-very-private-value-4711';

function accessLines(live: LiveServer): Line[] {
  return live.output.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
}

/** Waits for the line of this request id (the line is written once the answer is made). */
async function lineOf(live: LiveServer, id: string): Promise<Line> {
  for (let i = 0; i < 100; i++) {
    const line = accessLines(live).find((l) => l.request_id === id);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no access line for ${id}`);
}

describe('the access log', () => {
  let live: LiveServer;
  let g: LiveGrant;
  beforeAll(async () => {
    live = await liveServer();
    await live.start();
    g = await liveGrant(live);
  }, 60_000);
  afterAll(() => live?.cleanup());

  it('writes one JSON line per request with id, method, route template, status, duration and actor type', async () => {
    const ok = await read(live.asApp as never, g.token);
    expect(ok.status).toBe(200);
    const line = await lineOf(live, ok.headers.get('x-request-id')!);
    expect(Object.keys(line).sort()).toEqual(['actor_type', 'duration_ms', 'level', 'method', 'msg', 'request_id', 'route', 'status', 't']);
    expect(line).toMatchObject({ level: 'info', msg: 'request', method: 'GET', route: '/v1/attributes', status: 200, actor_type: 'brand' });
    expect(line.duration_ms).toBeGreaterThan(0);
    expect(line.duration_ms).toBeLessThan(10_000);
    expect(Date.parse(line.t)).not.toBeNaN();
    // The read's answer, as the real server writes it: JSON that no cache may keep.
    expect(ok.headers.get('content-type')).toBe('application/json');
    expect(ok.headers.get('cache-control')).toBe('no-store');

    const put = await g.me.call('/api/me/attributes/email', { method: 'PUT', json: { value: `${VALUE}@example.com` } });
    expect(put.status).toBe(200);
    expect(await lineOf(live, put.headers.get('x-request-id')!)).toMatchObject({
      method: 'PUT',
      route: '/api/me/attributes/{name}',
      status: 200,
      actor_type: 'consumer',
    });

    const missing = await live.asApp.request(`/no/such/${g.grantId}`);
    expect(await lineOf(live, missing.headers.get('x-request-id')!)).toMatchObject({ route: '(unmatched)', status: 404, actor_type: 'none' });
  });

  it('writes one whole line for each of 200 requests answered together, none lost or merged', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `burst-${i}-${Date.now().toString(36)}`);
    const answers = await Promise.all(ids.map((id) => live.asApp.request('/healthz', { headers: { 'x-request-id': id } })));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    await lineOf(live, ids.at(-1)!);
    for (let i = 0; i < 50 && ids.some((id) => !accessLines(live).some((l) => l.request_id === id)); i++) await new Promise((r) => setTimeout(r, 20));
    const seen = accessLines(live).filter((l) => ids.includes(l.request_id));
    expect(seen.map((l) => l.request_id).sort()).toEqual([...ids].sort());
    expect(seen.every((l) => l.route === '/healthz' && l.status === 200)).toBe(true);
  });

  it('keeps a request id the caller sent, and counts a refused token as nobody', async () => {
    const res = await live.asApp.request(`/v1/grants/${g.grantId}`, { headers: { authorization: 'Bearer not-a-token', 'x-request-id': 'edge-42-abc' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('x-request-id')).toBe('edge-42-abc');
    expect(await lineOf(live, 'edge-42-abc')).toMatchObject({ route: '/v1/grants/{id}', status: 401, actor_type: 'none' });
  });

  it('holds no token, session, CSRF token, value, id, query or secret, in stdout or stderr', async () => {
    await live.asApp.request(`/v1/grants/${g.grantId}?client_secret=${g.brand.secret}&value=${VALUE}`, { headers: { authorization: `Bearer ${g.token}` } });
    await live.asApp.request('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${btoa(`${g.brand.clientId}:${g.brand.secret}`)}` },
      body: `grant_type=refresh_token&refresh_token=trv_rt_${VALUE}`,
    });
    await g.me.call(`/api/me/attributes/nickname`, { method: 'PUT', json: { value: VALUE } });
    const before = accessLines(live).length;
    await new Promise((r) => setTimeout(r, 100));
    expect(accessLines(live).length).toBeGreaterThanOrEqual(before);
    const everything = live.output.stdout + live.output.stderr;
    for (const secret of [
      g.token,
      g.brand.secret,
      g.brand.clientId,
      g.grantId,
      g.consumerId,
      VALUE,
      'runtime@example.com',
      g.me.cookie.split('=')[1]!.split(';')[0]!,
      g.me.csrf,
    ]) {
      expect(everything).not.toContain(secret);
    }
    for (const line of accessLines(live)) {
      expect(line.route).not.toContain('?');
      expect(line.route).toMatch(/^(\/[\w.{}-]*)+$|^\((portal|unmatched)\)$/);
    }
  });
});

describe('TROVE_LOG_LEVEL', () => {
  it('at warn writes no access lines and no info lines', async () => {
    const live = await liveServer({ TROVE_LOG_LEVEL: 'warn' });
    try {
      await live.start();
      expect((await live.asApp.request('/healthz')).status).toBe(200);
      expect((await live.asApp.request('/readyz')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
      expect(accessLines(live)).toEqual([]);
      expect(live.output.stderr).not.toMatch(/"level":"info"/);
    } finally {
      await live.cleanup();
    }
  });
});

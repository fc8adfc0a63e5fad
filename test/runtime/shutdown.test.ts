// SIGTERM on a real Trove process. Under load — a few hundred concurrent reads and profile
// writes in flight — it stops accepting, answers every request it had (none fails), commits
// them and exits 0 within TROVE_SHUTDOWN_TIMEOUT; restarted, every acknowledged write is
// there and every acknowledged read has its audit event. A request that never finishes
// (its body never arrives) makes it exit non-zero at the timeout instead.
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { liveGrant } from '../helpers/live-grant.ts';
import { liveServer, type LiveServer } from '../helpers/live-server.ts';
import { read } from '../helpers/raw-oauth.ts';

const IN_FLIGHT = 300;
const failures: string[] = [];
let live: LiveServer | undefined;
afterEach(async () => {
  await live?.cleanup();
  live = undefined;
});

/** One request on a connection of `agent`: `sent` once written out, `answer` its status (0: it failed, with the error in `failures`). */
function send(agent: Agent, port: number, req: { method: string; path: string; headers?: Record<string, string>; body?: string }) {
  let written!: () => void;
  const sent = new Promise<void>((r) => (written = r));
  const answer = new Promise<number>((resolve) => {
    const r = request({ host: '127.0.0.1', port, method: req.method, path: req.path, headers: req.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    r.on('error', (err: NodeJS.ErrnoException) => {
      failures.push(`${req.method} ${err.code ?? err.message}`);
      written();
      resolve(0);
    });
    r.on('finish', () => written());
    r.end(req.body);
  });
  return { sent, answer };
}

describe('SIGTERM', () => {
  it('under a few hundred in-flight reads and writes fails none of them, commits them all and exits 0 within the timeout', async () => {
    live = await liveServer({ TROVE_SHUTDOWN_TIMEOUT: '10' });
    await live.start();
    const g = await liveGrant(live);
    const app = live.asApp as never;
    const readsBefore = (await read(app, g.token)).status === 200 ? 1 : 0;

    let signalled = false;
    let answeredAfterSignal = 0;
    const sent: Promise<void>[] = [];
    // As behind a proxy: one kept-alive connection per request, opened beforehand, so the
    // requests reach the server at once (a burst of new connections trickles in instead).
    const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    const warm = await Promise.all(Array.from({ length: IN_FLIGHT }, () => send(agent, live!.port, { method: 'GET', path: '/healthz' }).answer));
    expect(warm.every((s) => s === 200)).toBe(true);
    const outcomes = Array.from({ length: IN_FLIGHT }, (_, i) => {
      const write = i % 3 === 2;
      const call = send(agent, live!.port, {
        method: write ? 'PUT' : 'GET',
        path: write ? `/api/me/attributes/x-shutdown-${i}` : '/v1/attributes',
        headers: write
          ? { cookie: g.me.cookie, 'x-csrf-token': g.me.csrf, 'content-type': 'application/json', origin: live!.origin }
          : { authorization: `Bearer ${g.token}` },
        body: write ? JSON.stringify({ value: `v${i}` }) : undefined,
      });
      sent.push(call.sent);
      return call.answer.then((status) => {
        if (signalled) answeredAfterSignal += 1;
        return { i, status };
      });
    });
    // In flight: every request written out to its (established) connection before the signal.
    await Promise.all(sent);
    const began = Date.now();
    signalled = true;
    const exited = live.stop();
    const results = await Promise.all(outcomes);
    const code = await exited;
    agent.destroy();
    const took = Date.now() - began;

    expect(failures).toEqual([]);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(answeredAfterSignal).toBeGreaterThan(IN_FLIGHT / 10);
    expect(code).toBe(0);
    expect(took).toBeLessThan(10_000);
    expect(live.output.stderr).toMatch(/"msg":"shutting down: draining in-flight requests","signal":"SIGTERM"/);
    expect(live.output.stderr).toMatch(/"msg":"stopped cleanly"/);

    // Everything acknowledged was committed before the exit.
    const db = new Database(join(live.dir, 'trove.db'), { readonly: true });
    try {
      const reads = db.prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'grant.read' AND outcome = 'success'").get() as { n: number };
      expect(reads.n).toBe(readsBefore + results.filter((r) => r.i % 3 !== 2).length);
      const writes = db.prepare("SELECT count(*) AS n FROM attributes WHERE name LIKE 'x-shutdown-%'").get() as { n: number };
      expect(writes.n).toBe(results.filter((r) => r.i % 3 === 2).length);
    } finally {
      db.close();
    }
    await live.start();
    const attrs = await (await g.me.call('/api/me/attributes')).text();
    for (const r of results.filter((x) => x.i % 3 === 2)) expect(attrs).toContain(`x-shutdown-${r.i}`);
  }, 60_000);

  it('with a request that never finishes exits non-zero once TROVE_SHUTDOWN_TIMEOUT has passed', async () => {
    live = await liveServer({ TROVE_SHUTDOWN_TIMEOUT: '1.5' });
    await live.start();
    // A body announced as 100 bytes of which one arrives: the request stays in flight.
    const socket = connect(live.port, '127.0.0.1');
    await new Promise<void>((r) => socket.once('connect', () => r()));
    socket.on('error', () => {});
    socket.write('PUT /api/me/attributes/hung HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
    await new Promise((r) => setTimeout(r, 300));
    const began = Date.now();
    const code = await live.stop();
    const took = Date.now() - began;
    socket.destroy();
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(5000);
    expect(live.output.stderr).toMatch(/shutdown timed out with requests still in flight/);
  }, 30_000);

  it('with nothing in flight exits 0 at once, and new connections are refused once it has begun', async () => {
    live = await liveServer();
    await live.start();
    const began = Date.now();
    expect(await live.stop()).toBe(0);
    expect(Date.now() - began).toBeLessThan(3000);
    await expect(fetch(`${live.base}/healthz`)).rejects.toThrow();
  }, 30_000);
});

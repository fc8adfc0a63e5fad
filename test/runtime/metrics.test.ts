// GET /metrics on a real Trove process with TROVE_METRICS_PORT: after reads, denials and
// a 429, the scrape counts them by route template, outcome and class, shows the commit,
// queue and checkpoint figures, and names no id, token or value anywhere. On PostgreSQL
// (when TROVE_TEST_DATABASE_URL is set) it also shows the pool.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveGrant, type LiveGrant } from '../helpers/live-grant.ts';
import { liveServer, type LiveServer } from '../helpers/live-server.ts';
import { testDatabaseUrl } from '../helpers/postgres.ts';
import { par, read } from '../helpers/raw-oauth.ts';

type Sample = { name: string; labels: Record<string, string>; value: number };

/** The samples of a Prometheus text exposition (comments skipped). */
function parse(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

const sum = (samples: Sample[], name: string, where: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);

/** The metrics URL the process logged at start (TROVE_METRICS_PORT=0 picks a free port). */
async function metricsUrl(live: LiveServer): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const m = /"msg":"metrics served","url":"([^"]+)"/.exec(live.output.stderr);
    if (m) return m[1]!;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no metrics line: ${live.output.stderr}`);
}

async function exercise(live: LiveServer, g: LiveGrant) {
  for (let i = 0; i < 5; i++) expect((await read(live.asApp as never, g.token)).status).toBe(200);
  // The second PAR from this address within the minute is over the scaled budget (1).
  expect((await par(live.asApp as never, g.brand)).res.status).toBe(429);
  expect((await g.me.call(`/api/me/grants/${g.grantId}/revoke`, { method: 'POST' })).status).toBe(200);
  for (let i = 0; i < 2; i++) expect((await read(live.asApp as never, g.token)).status).toBe(403);
  expect((await live.asApp.request(`/v1/grants/${g.grantId}?secret=${g.token}`)).status).toBe(401);
}

function expectPlausible(text: string, g: LiveGrant) {
  const s = parse(text);
  expect(sum(s, 'trove_audited_reads_total', { outcome: 'success' })).toBe(5);
  expect(sum(s, 'trove_audited_reads_total', { outcome: 'denied' })).toBe(2);
  expect(sum(s, 'trove_http_requests_total', { method: 'GET', route: '/v1/attributes', status: '200' })).toBe(5);
  expect(sum(s, 'trove_http_requests_total', { method: 'GET', route: '/v1/attributes', status: '403' })).toBe(2);
  expect(sum(s, 'trove_http_requests_total', { method: 'POST', route: '/oauth/par', status: '429' })).toBe(1);
  expect(sum(s, 'trove_http_requests_total', { route: '/api/me/grants/{id}/revoke', status: '200' })).toBe(1);
  expect(sum(s, 'trove_http_requests_total', { route: '/v1/grants/{id}', status: '401' })).toBe(1);
  expect(sum(s, 'trove_rate_limit_refusals_total', { class: 'par' })).toBe(1);
  expect(sum(s, 'trove_http_request_duration_seconds_count', { method: 'GET', route: '/v1/attributes' })).toBe(7);
  expect(sum(s, 'trove_http_request_duration_seconds_sum', { method: 'GET', route: '/v1/attributes' })).toBeGreaterThan(0);
  // Every audited read was committed in some batch: at least as many changes as reads.
  expect(sum(s, 'trove_commit_batch_size_sum')).toBeGreaterThanOrEqual(7);
  expect(sum(s, 'trove_commit_duration_seconds_count')).toBeGreaterThan(0);
  expect(s.some((x) => x.name === 'trove_webhook_queue_depth')).toBe(true);
  expect(sum(s, 'trove_audit_checkpoint_lag_events')).toBeGreaterThanOrEqual(0);
  expect(s.some((x) => x.name === 'trove_process_cpu_seconds_total')).toBe(true);
  // Labels are templates and classes: no id, token, secret or value, and no raw path.
  for (const secret of [g.grantId, g.token, g.brand.clientId, g.brand.secret, g.consumerId, 'runtime@example.com']) expect(text).not.toContain(secret);
  for (const x of s.filter((x) => x.labels.route)) expect(x.labels.route).toMatch(/^(\/[\w.{}-]*)+$|^\((portal|unmatched)\)$/);
}

describe('GET /metrics on SQLite', () => {
  let live: LiveServer;
  let g: LiveGrant;
  beforeAll(async () => {
    live = await liveServer({ TROVE_METRICS_PORT: '0', TROVE_RATE_LIMIT_SCALE: '0.01' });
    await live.start();
    g = await liveGrant(live);
  }, 60_000);
  afterAll(() => live?.cleanup());

  it('counts reads, denials and a 429 by route template, outcome and class, with commit, queue and checkpoint figures and no ids', async () => {
    await exercise(live, g);
    const url = await metricsUrl(live);
    expect(new URL(url).hostname).toBe('127.0.0.1');
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    expectPlausible(text, g);
    expect(parse(text).some((x) => x.name === 'trove_db_pool_connections')).toBe(false);
  });

  it('is not served on the public port, and its own port answers nothing else', async () => {
    expect((await live.asApp.request('/metrics')).status).toBe(404);
    const url = await metricsUrl(live);
    expect((await fetch(url.replace('/metrics', '/healthz'))).status).toBe(404);
    expect((await fetch(url, { method: 'POST' })).status).toBe(404);
  });
});

describe.skipIf(!process.env.TROVE_TEST_DATABASE_URL)('GET /metrics on PostgreSQL', () => {
  let live: LiveServer;
  let g: LiveGrant;
  const dbName = `trove_metrics_${Date.now().toString(36)}`;
  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${dbName}`);
    await admin.end();
    const u = new URL(testDatabaseUrl());
    u.pathname = `/${dbName}`;
    live = await liveServer({ TROVE_METRICS_PORT: '0', TROVE_RATE_LIMIT_SCALE: '0.01', DATABASE_URL: u.toString() });
    await live.start();
    g = await liveGrant(live);
  }, 60_000);
  afterAll(async () => {
    await live?.cleanup();
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  });

  it('shows the same counts and the pool: total, idle and waiting connections', async () => {
    await exercise(live, g);
    const text = await (await fetch(await metricsUrl(live))).text();
    expectPlausible(text, g);
    const s = parse(text);
    expect(sum(s, 'trove_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
    expect(s.some((x) => x.name === 'trove_db_pool_connections' && x.labels.state === 'idle')).toBe(true);
    expect(s.some((x) => x.name === 'trove_db_pool_connections' && x.labels.state === 'waiting')).toBe(true);
  });
});

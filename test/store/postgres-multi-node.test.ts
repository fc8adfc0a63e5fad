// Two real Trove processes on one PostgreSQL database (same TROVE_MASTER_KEY and
// TROVE_ORIGIN, different ports) under concurrent load for a few seconds: readers on each
// node, profile writes, approvals and revocations split across both, webhook deliveries to
// a local receiver; one node is SIGKILLed mid-run and restarted. Then: acknowledged reads
// = read events, no acknowledged write lost, a revocation on one node refuses the next read
// on the other, every delivery sent once (by jti) and audited once, one rate-limit budget
// across both nodes, both nodes' JWKS identical within the key cache TTL of a rotation,
// and the audit log verifies.
import { spawnSync } from 'node:child_process';
import * as jose from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../src/features/limits/rate-limiter.ts';
import { REDIRECT, shoeDetails } from '../helpers/brands.ts';
import { caller, type Caller } from '../helpers/consumer.ts';
import { liveServer, type LiveServer } from '../helpers/live-server.ts';
import { awayFromWindowEdge } from '../helpers/limit-window.ts';
import { sessionCookie, signUp } from '../helpers/passkey-client.ts';
import { approvedCode, exchange, par, read, requestId, type SecretClient } from '../helpers/raw-oauth.ts';
import { startReceiver } from '../helpers/receiver.ts';

const KEY_CACHE_SECONDS = 2;
const LOAD_MS = 5000;
// Limits on, at half size: the load's PAR calls (at most MAX_PARS) and the budget spent at
// the end stay inside the per-address PAR budget, so only the per-client one can refuse.
const LIMIT_SCALE = 0.5;
const MAX_PARS = 12;
const OPERATOR_TOKEN = 'multi-node-test-operator-secret-0123456789';

let a: LiveServer;
let b: LiveServer;
let db: pg.Client;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let brand: SecretClient;
let onA: Caller;
let onB: Caller;

const trove = (...args: string[]) => spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env: a.cliEnv() });
const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An ongoing grant approved through `me`'s node, tokens exchanged on `node`. */
async function grantVia(node: LiveServer, me: Caller) {
  const { code, verifier } = await approvedCode(node.asApp as never, brand, me);
  const t = await (await exchange(node.asApp as never, brand, code, verifier)).json();
  return { token: t.access_token as string, grant: t.grant_id as string };
}

beforeAll(async () => {
  receiver = await startReceiver();
  const env = {
    TROVE_OPERATOR_TOKEN: OPERATOR_TOKEN,
    TROVE_RATE_LIMIT_SCALE: String(LIMIT_SCALE),
    TROVE_WEBHOOK_ALLOW_PRIVATE: 'true',
    TROVE_KEY_CACHE_SECONDS: String(KEY_CACHE_SECONDS),
    TROVE_CHECKPOINT_SECONDS: '1',
  };
  a = await liveServer(env);
  await a.start();
  b = await liveServer(env, { sameDataAs: a });
  await b.start();
  db = new pg.Client({ connectionString: a.databaseUrl });
  await db.connect();
  const { res } = await signUp(a.asApp as never, a.origin);
  const body = await res.json();
  const cookie = sessionCookie(res)!;
  onA = caller(a.asApp as never, cookie, body.csrf_token, body.consumer.id);
  onB = caller(b.asApp as never, cookie, body.csrf_token, body.consumer.id);
  await onA.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'two@example.com' } });
  await onB.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { size: 41, system: 'EU' } } });
  const added = trove('brand', 'add', '--name', 'Two Node Shoes', '--redirect-uri', REDIRECT, '--secret', '--webhook-url', receiver.url, '--json');
  if (added.status !== 0) throw new Error(added.stderr);
  const created = JSON.parse(added.stdout);
  brand = { clientId: created.client_id, secret: created.client_secret };
}, 60_000);

afterAll(async () => {
  await db?.end();
  await b?.cleanup();
  await a?.cleanup();
  await receiver?.close();
});

type Acks = { reads: { a: number; b: number }; writes: Map<string, number>; shoeWrites: number; approvals: string[]; revocations: string[] };

/** Mixed load on both nodes until stopAt; only what a client saw acknowledged is counted. */
async function load(acks: Acks, tokens: { a: string; b: string }, grants: { a: string; b: string }, stopAt: number) {
  const alive = () => Date.now() < stopAt;
  const loop = async (fn: (i: number) => Promise<void>) => {
    for (let i = 0; alive(); i++) {
      try {
        await fn(i);
      } catch {
        // refused or reset by the kill: not acknowledged, so nothing is promised (and no busy loop)
        await sleep(20);
      }
    }
  };
  const reader = (node: 'a' | 'b') =>
    loop(async () => {
      const res = await read((node === 'a' ? a : b).asApp as never, tokens[node]);
      if (res.status === 200) {
        await res.json();
        acks.reads[node] += 1;
      }
    });
  const writer = (slot: number, me: Caller) =>
    loop(async () => {
      const name = `x-multi-${slot}`;
      const next = (acks.writes.get(name) ?? 0) + 1;
      const res = await me.call(`/api/me/attributes/${name}`, { method: 'PUT', json: { value: String(next) } });
      if (res.status === 200) acks.writes.set(name, next);
    });
  // A granted attribute: each change queues grant.attributes_changed for every active grant,
  // so both nodes' dispatchers have many deliveries to race for.
  const shoeWriter = () =>
    loop(async (i) => {
      const res = await (i % 2 ? onA : onB).call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { size: 36 + (i % 10), system: 'EU' } } });
      if (res.status === 200) acks.shoeWrites += 1;
      await sleep(50);
    });
  // PAR on one node, approval on the other.
  const approver = () =>
    loop(async (i) => {
      if (i >= MAX_PARS) {
        await sleep(50);
        return;
      }
      const { res } = await par((i % 2 ? a : b).asApp as never, brand, {}, shoeDetails());
      if (res.status !== 201) return;
      const id = requestId((await res.json()).request_uri);
      const ok = await (i % 2 ? onB : onA).call(`/api/me/requests/${id}/approve`, { method: 'POST', json: {} });
      if (ok.status === 200) acks.approvals.push(id);
    });
  // Each revocation queues a grant.revoked SET for the brand's webhook.
  const revoker = () =>
    loop(async (i) => {
      const me = i % 2 ? onA : onB;
      const { active } = (await (await me.call('/api/me/grants')).json()) as { active: { id: string }[] };
      const target = active.find((g) => g.id !== grants.a && g.id !== grants.b);
      if (!target) {
        await sleep(20);
        return;
      }
      const res = await me.call(`/api/me/grants/${target.id}/revoke`, { method: 'POST' });
      if (res.status === 200) acks.revocations.push(target.id);
    });
  await Promise.all([reader('a'), reader('a'), reader('b'), reader('b'), writer(1, onA), writer(2, onB), shoeWriter(), approver(), revoker()]);
}

describe('two nodes on one PostgreSQL database', () => {
  it('keep every acknowledged read and write, refuse a revoked grant on the other node, deliver each webhook once, share one rate-limit budget, agree on keys and verify', async () => {
    const tokenA = await grantVia(a, onA);
    const tokenB = await grantVia(b, onB);
    const acks: Acks = { reads: { a: 0, b: 0 }, writes: new Map(), shoeWrites: 0, approvals: [], revocations: [] };
    const stopAt = Date.now() + LOAD_MS;
    const loading = load(acks, { a: tokenA.token, b: tokenB.token }, { a: tokenA.grant, b: tokenB.grant }, stopAt);
    await sleep(LOAD_MS / 2);
    await b.kill();
    await b.start();
    await loading;

    // Acknowledged reads = read events. Node a never died: exact. Node b's two readers each had
    // at most one read in flight when it was killed, which may have committed unanswered.
    const readsOf = (grant: string) =>
      count(`SELECT count(*) AS n FROM audit_events WHERE action = 'grant.read' AND outcome = 'success' AND grant_id = $1`, [grant]);
    expect(await readsOf(tokenA.grant), 'reads acknowledged by node a = its read events').toBe(acks.reads.a);
    const readsB = await readsOf(tokenB.grant);
    expect(readsB).toBeGreaterThanOrEqual(acks.reads.b);
    expect(readsB - acks.reads.b).toBeLessThanOrEqual(2);

    // No acknowledged write lost, whichever node took it.
    const attrs = (await (await onA.call('/api/me/attributes')).json()).attributes as { name: string; value: unknown; persona: string | null }[];
    const values = new Map(attrs.filter((x) => x.persona === null).map((x) => [x.name, Number(x.value)]));
    for (const [name, acked] of acks.writes) expect(values.get(name), `${name} lost its acknowledged value`).toBeGreaterThanOrEqual(acked);
    for (const id of acks.approvals) expect((await (await onA.call(`/api/me/requests/${id}`)).json()).status).toBe('approved');
    for (const id of acks.revocations) expect((await (await onB.call(`/api/me/grants/${id}`)).json()).status).toBe('revoked');

    // A revocation on one node refuses the very next read on the other, both ways.
    for (const [revoker, reader, me] of [
      [a, b, onA],
      [b, a, onB],
    ] as const) {
      const g = await grantVia(revoker, me);
      expect((await read(reader.asApp as never, g.token)).status).toBe(200);
      expect((await me.call(`/api/me/grants/${g.grant}/revoke`, { method: 'POST' })).status).toBe(200);
      expect([401, 403]).toContain((await read(reader.asApp as never, g.token)).status);
    }

    // Every delivery sent once in this run and audited once. Deliveries node b had claimed
    // when it was killed stay leased (30 s) and go out after the run: at least once across a crash.
    const deadline = Date.now() + 10_000;
    const unsettled = `SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'pending' AND (claim IS NULL OR next_attempt_at <= $1)`;
    while ((await count(unsettled, [Date.now()])) > 0 && Date.now() < deadline) await sleep(100);
    expect(await count(unsettled, [Date.now()])).toBe(0);
    const received = receiver.received.map((r) => String(jose.decodeJwt(r.body).jti));
    const times = new Map<string, number>();
    for (const jti of received) times.set(jti, (times.get(jti) ?? 0) + 1);
    const duplicates = [...times].filter(([, n]) => n > 1);
    expect(duplicates, 'no SET received twice').toEqual([]);
    const rows = (await db.query<{ id: string; status: string; set_jws: string }>('SELECT id, status, set_jws FROM webhook_deliveries')).rows;
    const audited = (await db.query<{ detail: string }>(`SELECT detail FROM audit_events WHERE action = 'webhook.delivered'`)).rows.map(
      (r) => JSON.parse(r.detail).delivery as string,
    );
    const auditedTimes = new Map<string, number>();
    for (const id of audited) auditedTimes.set(id, (auditedTimes.get(id) ?? 0) + 1);
    const delivered = rows.filter((r) => r.status === 'delivered');
    for (const r of delivered) {
      expect(times.get(String(jose.decodeJwt(r.set_jws).jti)), `delivery ${r.id} received once`).toBe(1);
      expect(auditedTimes.get(r.id), `delivery ${r.id} audited once`).toBe(1);
    }
    expect(audited.length).toBe(delivered.length);
    expect(rows.filter((r) => r.status === 'failed')).toEqual([]);
    const inFlightAtKill = rows.length - delivered.length;
    expect(inFlightAtKill).toBeLessThanOrEqual(2);
    expect(delivered.length).toBeGreaterThanOrEqual(acks.revocations.length + acks.shoeWrites);

    // One rate-limit budget across both nodes: a client's PAR calls split across them are
    // refused on both once the one per-client budget is spent.
    const added = trove('brand', 'add', '--name', 'Budget Shoes', '--redirect-uri', REDIRECT, '--secret', '--json');
    expect(added.status, added.stderr).toBe(0);
    const spender: SecretClient = { clientId: JSON.parse(added.stdout).client_id, secret: JSON.parse(added.stdout).client_secret };
    const budget = Math.floor(DEFAULT_LIMITS.par.perClient * LIMIT_SCALE);
    await awayFromWindowEdge();
    for (let i = 0; i < budget; i++) expect((await par((i % 2 ? b : a).asApp as never, spender)).res.status, `PAR ${i + 1}`).toBe(201);
    for (const node of [a, b]) expect((await par(node.asApp as never, spender)).res.status).toBe(429);

    // A signing-key rotation on node b (the operator API, through the remote CLI): both nodes
    // publish the same JWKS with the new key within the key cache TTL.
    const jwks = async (node: LiveServer) => (await (await fetch(`${node.base}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(await jwks(b)).toEqual(await jwks(a));
    const rotated = spawnSync(process.execPath, ['src/cli/trove.ts', 'keys', 'rotate', '--json', '--url', b.base], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, TROVE_OPERATOR_TOKEN: OPERATOR_TOKEN },
    });
    expect(rotated.status, rotated.stderr).toBe(0);
    const kid = JSON.parse(rotated.stdout).kid as string;
    const t0 = Date.now();
    let same = false;
    while (!same && Date.now() - t0 < KEY_CACHE_SECONDS * 1000 + 1500) {
      const [ja, jb] = await Promise.all([jwks(a), jwks(b)]);
      same = JSON.stringify(ja) === JSON.stringify(jb) && ja.keys.some((k) => k.kid === kid);
      if (!same) await sleep(100);
    }
    expect(same, 'both nodes publish the rotated key set within the cache TTL').toBe(true);

    // The audit log both nodes wrote verifies.
    const verify = trove('audit', 'verify', '--json');
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    const checked = JSON.parse(verify.stdout).checked;
    const writes = [...acks.writes.values()].reduce((x, y) => x + y, 0);
    console.log(
      `two nodes: ${acks.reads.a + acks.reads.b} acknowledged reads (${acks.reads.a} on a, ${acks.reads.b} on b), ${writes} profile writes, ${acks.approvals.length} approvals, ${acks.revocations.length} revocations, ${acks.shoeWrites} changes of a granted attribute, ${delivered.length} webhook deliveries each received and audited once (${inFlightAtKill} in flight at the kill), ${checked} audit events verified`,
    );
    expect(acks.reads.a).toBeGreaterThan(0);
    expect(acks.reads.b).toBeGreaterThan(0);
    expect(delivered.length).toBeGreaterThan(0);
  }, 90_000);
});

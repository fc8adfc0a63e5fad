// Two nodes on one database, in one process: two deps objects, each with its own store
// (its own pool on PostgreSQL, its own connection and writer on one SQLite file), racing
// over the same webhook deliveries and the same sweep. Each delivery is sent and audited
// once, each expired grant is expired and notified once, and a run that lost its lease
// (delivery or job) records nothing.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jose from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { boot } from '../../src/boot.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { registerBrand } from '../../src/features/brands/register-brand.ts';
import { expireDueGrants, SWEEP_JOB } from '../../src/features/grants/expire-grants.ts';
import { releaseLease, takeLease } from '../../src/features/jobs/job-lease.ts';
import { deliverDue } from '../../src/features/webhooks/dispatch.ts';
import { queueEvent } from '../../src/features/webhooks/security-event.ts';
import { GuardFailed } from '../../src/errors.ts';
import { CHECKPOINT_JOB, startBackground } from '../../src/runtime/node/background.ts';
import { createSqliteStore, openSqlite } from '../../src/runtime/store/sqlite/store.ts';
import { REDIRECT, shoeDetails } from '../helpers/brands.ts';
import { signedInConsumer } from '../helpers/consumer.ts';
import { TEST_MASTER_KEY, testDeps, testDialect, type TestDeps } from '../helpers/deps.ts';
import { postgresStoreOn } from '../helpers/postgres.ts';
import { tokensFor } from '../helpers/raw-oauth.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The first node: on PostgreSQL a fresh schema, on SQLite a file both nodes open. */
async function firstNode(): Promise<{ a: TestDeps; file?: string }> {
  if (testDialect === 'postgres') return { a: await testDeps({ allowPrivateWebhooks: true }) };
  const dir = mkdtempSync(join(tmpdir(), 'trove-claims-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'trove.db');
  const a = await testDeps({ file, allowPrivateWebhooks: true });
  cleanups.push(() => a.store.close());
  return { a, file };
}

/** A second node on the first one's database and clock, as another process would be. */
async function secondNode(a: TestDeps, file?: string): Promise<TestDeps> {
  const store = file ? createSqliteStore(openSqlite(file), a.clock) : postgresStoreOn(a.schema!, a.clock);
  cleanups.push(() => store.close());
  const b = await boot(
    { config: a.config, store, clock: a.clock, sodium: a.sodium, log: a.log, checkpointEvery: a.checkpointEvery, outbound: a.outbound },
    TEST_MASTER_KEY,
    [],
  );
  return Object.assign(b, { clock: a.clock }) as TestDeps;
}

/** A webhook receiver that records each SET's jti and can hold its first request until released. */
async function jtiReceiver(opts: { holdFirst?: boolean } = {}) {
  const jtis: string[] = [];
  let held: ((status: number) => void) | null = null;
  let arrived: () => void = () => {};
  const firstArrived = new Promise<void>((r) => (arrived = r));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      jtis.push(String(jose.decodeJwt(body).jti));
      if (opts.holdFirst && jtis.length === 1) {
        held = (status) => res.writeHead(status).end();
        arrived();
        return;
      }
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/events`;
  return { url, jtis, firstArrived, release: (status = 202) => held?.(status) };
}

async function brandWithHook(deps: TestDeps, url: string) {
  const r = await registerBrand(deps, { name: 'Hooked', redirect_uris: [REDIRECT], auth: { method: 'client_secret_basic' }, webhook_url: url });
  return { id: r.client_id, secret: r.client_secret!, webhook_url: url };
}

const deliveredEvents = (deps: TestDeps) =>
  deps.store.db.selectFrom('audit_events').select(['detail', 'outcome']).where('action', '=', 'webhook.delivered').execute();

describe('webhook deliveries across two nodes', () => {
  it('two dispatchers racing over the same due deliveries send each one once and audit it once', async () => {
    const { a, file } = await firstNode();
    const b = await secondNode(a, file);
    const receiver = await jtiReceiver();
    const brand = await brandWithHook(a, receiver.url);
    const N = 40;
    for (let i = 0; i < N; i++) await commit(a, { writes: await queueEvent(a, brand, null, 'intent.created', `sub-${i}`, { n: i }) });
    // Small pages, so both nodes keep reading rows the other is claiming at the same time.
    const drain = async (deps: TestDeps) => {
      let sent = 0;
      for (let n = await deliverDue(deps, 5); n > 0; n = await deliverDue(deps, 5)) sent += n;
      return sent;
    };
    const sent = await Promise.all([drain(a), drain(b), drain(a), drain(b)]);
    expect(sent.reduce((x, y) => x + y, 0)).toBe(N);
    expect(receiver.jtis).toHaveLength(N);
    expect(new Set(receiver.jtis).size).toBe(N);
    const events = await deliveredEvents(a);
    expect(events).toHaveLength(N);
    expect(new Set(events.map((e) => JSON.parse(e.detail!).delivery)).size).toBe(N);
    const rows = await a.store.db.selectFrom('webhook_deliveries').select(['status', 'attempts']).execute();
    expect(rows.every((r) => r.status === 'delivered' && r.attempts === 1)).toBe(true);
  });

  it('a node whose lease lapsed mid-POST and was re-claimed by another records nothing; the other records it once', async () => {
    const { a, file } = await firstNode();
    const b = await secondNode(a, file);
    const receiver = await jtiReceiver({ holdFirst: true });
    const brand = await brandWithHook(a, receiver.url);
    await commit(a, { writes: await queueEvent(a, brand, null, 'intent.created', 'sub', {}) });
    const slow = deliverDue(a);
    await receiver.firstArrived;
    a.clock.advance(31_000); // past the claim's lease, as if node a had stalled
    expect(await deliverDue(b)).toBe(1);
    receiver.release(202);
    expect(await slow).toBe(1);
    // Sent twice (at least once across a stall, de-duplicated by jti), recorded once, by b.
    expect(receiver.jtis).toHaveLength(2);
    expect(new Set(receiver.jtis).size).toBe(1);
    expect(await deliveredEvents(a)).toHaveLength(1);
    const row = await a.store.db.selectFrom('webhook_deliveries').select(['status', 'attempts']).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'delivered', attempts: 1 });
  });
});

describe('the expiry sweep across two nodes', () => {
  it('two sweeps at once expire a grant once, with one grant.expired event and one notice for the brand', async () => {
    const { a, file } = await firstNode();
    const b = await secondNode(a, file);
    const receiver = await jtiReceiver();
    const app = createApp(a);
    const me = await signedInConsumer(a, app);
    await me.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { size: 41, system: 'EU' } } });
    const brand = await brandWithHook(a, receiver.url);
    const client = { clientId: brand.id, secret: brand.secret };
    for (let i = 0; i < 3; i++) await tokensFor(app, client, me, { details: shoeDetails({ duration: 'PT4M' }) });
    a.clock.advance(4 * 60_000 + 1);
    const counts = await Promise.all([expireDueGrants(a), expireDueGrants(b), expireDueGrants(a), expireDueGrants(b)]);
    expect(counts.reduce((x, y) => x + y, 0)).toBe(3);
    const expired = await a.store.db.selectFrom('audit_events').select('grant_id').where('action', '=', 'grant.expired').execute();
    expect(expired).toHaveLength(3);
    expect(new Set(expired.map((e) => e.grant_id)).size).toBe(3);
    const notices = await a.store.db.selectFrom('webhook_deliveries').select('grant_id').where('event_type', '=', 'grant.expired').execute();
    expect(notices).toHaveLength(3);
  });

  it('skips the sweep while another node holds its lease, and takes over a lease whose holder stopped', async () => {
    const { a, file } = await firstNode();
    const b = await secondNode(a, file);
    const app = createApp(a);
    const me = await signedInConsumer(a, app);
    await me.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { size: 41, system: 'EU' } } });
    const r = await registerBrand(a, { name: 'Plain', redirect_uris: [REDIRECT], auth: { method: 'client_secret_basic' } });
    await tokensFor(app, { clientId: r.client_id, secret: r.client_secret! }, me, { details: shoeDetails({ duration: 'PT4M' }) });
    a.clock.advance(4 * 60_000 + 1);

    const held = await takeLease(a, SWEEP_JOB, 60_000);
    expect(held).not.toBeNull();
    expect(await takeLease(b, SWEEP_JOB, 60_000)).toBeNull();
    expect(await expireDueGrants(b)).toBe(0);
    // Node a stops answering; once its lease lapses, b takes the job over and a's writes under it fail.
    a.clock.advance(60_001);
    expect(await expireDueGrants(b)).toBe(1);
    const late = commit(a, { guards: [held!.held], writes: [a.store.db.updateTable('job_leases').set({ until: 0 }).where('name', '=', 'nothing')] });
    await expect(late).rejects.toBeInstanceOf(GuardFailed);
    // Giving back a lease taken over does not free the new holder's.
    const taken = await takeLease(b, SWEEP_JOB, 60_000);
    await releaseLease(a, held!);
    expect(await takeLease(a, SWEEP_JOB, 60_000)).toBeNull();
    await releaseLease(b, taken!);
    expect(await takeLease(a, SWEEP_JOB, 60_000)).not.toBeNull();
  });
});

describe('the checkpointer across two nodes', () => {
  it('signs nothing while another node holds the checkpoint lease, and signs the tail on stop all the same', async () => {
    const { a, file } = await firstNode();
    const b = await secondNode(a, file);
    const checkpoints = async () => (await a.store.db.selectFrom('log_checkpoints').select('size').execute()).length;
    const held = await takeLease(b, CHECKPOINT_JOB, 60_000);
    expect(held).not.toBeNull();
    const bg = startBackground(a, { tickMs: 60_000, sweepMs: 600_000 });
    a.notify.checkpointDue?.();
    await new Promise((r) => setTimeout(r, 500));
    expect(await checkpoints()).toBe(0);
    // Stopping signs the log's tail without the lease: a checkpoint is keyed by its size.
    await bg.stop();
    expect(await checkpoints()).toBe(1);
    await releaseLease(b, held!);
  });
});

// Trove inside workerd against D1: the Worker's own fetch entry (as wrangler runs it),
// and the shared features on a D1 store built from the same bindings.
import { env, exports } from 'cloudflare:workers';
import sodium from 'libsodium-wrappers';
import { describe, expect, it } from 'vitest';
import { boot } from '../../src/boot.ts';
import { systemClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/config.ts';
import { silentLog } from '../../src/deps.ts';
import { fromB64u } from '../../src/crypto/encoding.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { storedLogKeys, verifyAuditLog } from '../../src/features/audit/verify.ts';
import { verifyLog } from '../../src/features/audit/verify-log.ts';
import { advanceLog } from '../../src/features/audit/log-checkpoint.ts';
import { inclusionProofOf } from '../../src/features/audit/log-proofs.ts';
import { hashEvent } from '../../src/db/audit-chain.ts';
import type { AuditEventRow } from '../../src/db/schema.ts';
import { readAttributes, writeAttributes } from '../../src/features/profile/attribute-values.ts';
import { newConsumer } from '../../src/features/identity/create-consumer.ts';
import { GuardFailed } from '../../src/errors.ts';
import { createD1Store, type D1Like } from '../../src/runtime/store/d1/store.ts';
import { openLibsodiumGate } from '../../src/runtime/workers/sodium-shim.ts';

const get = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`http://localhost:8787${path}`, init));

async function d1Deps(checkpointEvery = 1000) {
  openLibsodiumGate();
  await sodium.ready;
  const store = createD1Store(env.DB as unknown as D1Like, systemClock);
  const config = parseConfig({ TROVE_MASTER_KEY: env.TROVE_MASTER_KEY });
  return boot({ config, store, clock: systemClock, sodium, log: silentLog, checkpointEvery }, fromB64u(env.TROVE_MASTER_KEY));
}

/** The operator rewrites a stored event's outcome: a copy of its context saying "denied", pointed at. */
async function markDenied(seq: number) {
  await env.DB.batch([
    env.DB.prepare(
      `INSERT INTO audit_contexts (key, actor_type, actor_id, action, outcome, consumer_id, grant_id, attributes, purpose, reason, detail)
       SELECT 'forged ' || num, actor_type, actor_id, action, 'denied', consumer_id, grant_id, attributes, purpose, reason, detail
         FROM audit_contexts WHERE num = (SELECT context FROM audit_log WHERE seq = ?)`,
    ).bind(seq),
    env.DB.prepare('UPDATE audit_log SET context = (SELECT max(num) FROM audit_contexts) WHERE seq = ?').bind(seq),
  ]);
}

const hexBytes = (hex: string) => new Uint8Array(hex.match(/../g)!.map((h) => Number.parseInt(h, 16)));

describe('Trove on workerd + D1', () => {
  it('answers /healthz through the Worker entry with D1 behind it', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: 'd1' });
  });

  it('publishes an Ed25519 JWKS', async () => {
    const { keys } = await (await get('/.well-known/jwks.json')).json<{ keys: Record<string, unknown>[] }>();
    expect(keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: expect.any(String) });
    expect(keys[0]).not.toHaveProperty('d');
  });

  it('answers unknown routes with problem+json', async () => {
    const res = await get('/nope');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('seals and opens attributes with libsodium inside workerd, audited in the same batch', async () => {
    const deps = await d1Deps();
    const consumer = newConsumer(deps);
    await commit(deps, {
      writes: [consumer.insert],
      audit: [{ action: 'consumer.created', outcome: 'success', actor_type: 'consumer', consumer_id: consumer.id }],
    });
    await writeAttributes(deps, consumer.id, [{ name: 'email', value: '"ada@example.com"' }]);
    const values = await readAttributes(deps, consumer.id);
    expect(values.map((v) => v.value)).toEqual(['"ada@example.com"']);
    const row = await env.DB.prepare('SELECT ciphertext FROM attributes WHERE consumer_id = ?').bind(consumer.id).first<{ ciphertext: string }>();
    expect(row!.ciphertext).not.toContain('ada');
    const audit = await env.DB.prepare("SELECT attributes FROM audit_events WHERE action = 'profile.attributes_changed' AND consumer_id = ?")
      .bind(consumer.id)
      .first<{ attributes: string }>();
    expect(audit!.attributes).toBe('["email"]');
  });

  it('rolls back a whole batch, audit event included, when a guard fails', async () => {
    const deps = await d1Deps();
    const before = await env.DB.prepare('SELECT count(*) AS n FROM audit_events').first<{ n: number }>();
    await expect(
      deps.store.commit({
        guards: [{ name: 'never', exists: deps.store.db.selectFrom('keys').select('id').where('id', '=', 'missing') }],
        writes: [deps.store.db.updateTable('keys').set({ status: 'retired' })],
        audit: [{ action: 'test.guarded', outcome: 'success', actor_type: 'system' }],
      }),
    ).rejects.toThrow(GuardFailed);
    const after = await env.DB.prepare('SELECT count(*) AS n FROM audit_events').first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
    const retired = await env.DB.prepare("SELECT count(*) AS n FROM keys WHERE status = 'retired'").first<{ n: number }>();
    expect(retired!.n).toBe(0);
  });

  it('keeps the Merkle tree on D1, serves proofs from it, and the pinned verifier catches a rewrite re-signed with the real key', async () => {
    const deps = await d1Deps();
    for (let i = 0; i < 30; i++) await commit(deps, { audit: [{ action: 'grant.read', outcome: 'success', actor_type: 'system', detail: { i } }] });
    await advanceLog(deps);
    const [logKey] = (await storedLogKeys(deps.store.db)) as [string];
    const first = await verifyLog(deps.store.db, { logKeys: [logKey] });
    expect(first).toMatchObject({ ok: true, trust: 'pinned' });
    const size = first.latest_checkpoint!.size;
    const event = (await deps.store.db.selectFrom('audit_events').selectAll().where('seq', '=', 9).executeTakeFirstOrThrow())!;
    const proof = await inclusionProofOf(deps, event, { showCanonical: true });
    expect(proof).toMatchObject({ seq: 9, tree_size: size });
    expect(proof.proof.length).toBeGreaterThan(0);
    // The operator edits event 12, re-hashes the chain after it and re-signs a new tree.
    await markDenied(12);
    const rows = (await env.DB.prepare('SELECT * FROM audit_events WHERE seq >= 11 ORDER BY seq').all<AuditEventRow>()).results;
    let prev = rows[0]!.hash;
    for (const r of rows.slice(1)) {
      const hash = hashEvent({ ...r, prev_hash: prev });
      await env.DB.prepare('UPDATE audit_log SET hash = ? WHERE seq = ?').bind(hexBytes(hash), r.seq).run();
      prev = hash;
    }
    await env.DB.batch([
      env.DB.prepare('DELETE FROM audit_tree_nodes'),
      env.DB.prepare('DELETE FROM log_checkpoints'),
      env.DB.prepare('UPDATE audit_tree SET size = 0'),
    ]);
    await advanceLog(deps);
    expect(await verifyAuditLog(deps.store.db)).toMatchObject({ ok: true });
    expect(await verifyLog(deps.store.db, { logKeys: [logKey], state: first.state })).toMatchObject({ ok: false, first_bad_seq: 1 });
  });

  it('keeps the chain gapless under concurrent commits and the verifier finds tampering', async () => {
    const deps = await d1Deps(5);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => commit(deps, { audit: [{ action: 'grant.read', outcome: 'success', actor_type: 'system', detail: { i } }] })),
    );
    await advanceLog(deps);
    const ok = await verifyAuditLog(deps.store.db);
    expect(ok).toMatchObject({ ok: true, first_bad_seq: null, unsigned: 0 });
    expect(ok.latest_checkpoint?.size).toBeGreaterThan(20);
    await markDenied(3);
    expect(await verifyAuditLog(deps.store.db)).toMatchObject({ ok: false, first_bad_seq: 3 });
  });
});

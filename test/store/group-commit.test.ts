import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { GuardFailed } from '../../src/errors.ts';
import { verifyAuditLog } from '../../src/features/audit/verify.ts';
import { publicSigningKeys } from '../../src/features/keys/keyring.ts';
import { secretBrand } from '../helpers/brands.ts';
import { signedInConsumer } from '../helpers/consumer.ts';
import { seedConsumer, sqliteTestDeps } from '../helpers/deps.ts';
import { read, tokensFor } from '../helpers/raw-oauth.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-group-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('group commit on SQLite', () => {
  it('commits concurrent changes together, failing only the one whose guard does not hold', async () => {
    const deps = await sqliteTestDeps();
    const db = deps.store.db;
    const consumer = await seedConsumer(deps);
    const changes = Array.from({ length: 20 }, (_, i) => deps.store.commit({
      guards: i === 7 ? [{ name: 'never', exists: db.selectFrom('consumers').select('id').where('id', '=', 'nobody') }] : [],
      writes: [db.insertInto('personas').values({ consumer_id: consumer, name: `p${i}`, label: 'L', created_at: 0 })],
      audit: [{ action: 'test.grouped', outcome: 'success', actor_type: 'system', detail: { i } }],
    }));
    const results = await Promise.allSettled(changes);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(19);
    expect((results[7] as PromiseRejectedResult).reason).toBeInstanceOf(GuardFailed);
    const personas = await db.selectFrom('personas').select('name').execute();
    expect(personas.map((p) => p.name)).not.toContain('p7');
    expect(personas).toHaveLength(19);
    const verified = await verifyAuditLog(db, await publicSigningKeys(deps));
    expect(verified).toMatchObject({ ok: true });
    const grouped = await db.selectFrom('audit_events').select('detail').where('action', '=', 'test.grouped').orderBy('seq').execute();
    expect(grouped.map((g) => JSON.parse(g.detail!).i)).toEqual([...Array(20).keys()].filter((i) => i !== 7));
  });

  it('answers no read before its audit event is committed: another connection already sees it', async () => {
    const file = join(dir, 'durable.db');
    const deps = await sqliteTestDeps({ file });
    const app = createApp(deps);
    const me = await signedInConsumer(deps, app);
    await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'durable@example.com' } });
    const brand = await secretBrand(deps);
    const { access_token, grant_id } = await tokensFor(app, brand, me);
    // A second connection sees only committed transactions (WAL, synchronous=FULL: committed means fsynced).
    const observer = new Database(file, { readonly: true });
    const committedReads = observer.prepare("SELECT count(*) AS n FROM audit_events WHERE grant_id = ? AND action = 'grant.read' AND outcome = 'success'");
    let answered = 0;
    const violations: number[] = [];
    await Promise.all(Array.from({ length: 200 }, async () => {
      const res = await read(app, access_token);
      expect(res.status).toBe(200);
      answered += 1;
      const { n } = committedReads.get(grant_id) as { n: number };
      if (n < answered) violations.push(answered - n);
    }));
    observer.close();
    expect(answered).toBe(200);
    expect(violations).toEqual([]);
    const batches = await deps.store.db.selectFrom('audit_events').select('seq').where('grant_id', '=', grant_id).where('action', '=', 'grant.read').execute();
    expect(batches).toHaveLength(200);
  });
});

import Database from 'better-sqlite3';
import pg from 'pg';
import { testDatabaseUrl } from '../helpers/postgres.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { GuardFailed } from '../../src/errors.ts';
import { verifyAuditLog } from '../../src/features/audit/verify.ts';
import { secretBrand } from '../helpers/brands.ts';
import { signedInConsumer } from '../helpers/consumer.ts';
import { seedConsumer, sqliteTestDeps, testDeps, testDialect } from '../helpers/deps.ts';
import { read, tokensFor } from '../helpers/raw-oauth.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-group-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('group commit', () => {
  it(`commits concurrent changes together on ${testDialect}, failing only the one whose guard does not hold`, async () => {
    const deps = await testDeps();
    const db = deps.store.db;
    const consumer = await seedConsumer(deps);
    const changes = Array.from({ length: 20 }, (_, i) =>
      deps.store.commit({
        guards: i === 7 ? [{ name: 'never', exists: db.selectFrom('consumers').select('id').where('id', '=', 'nobody') }] : [],
        writes: [db.insertInto('personas').values({ consumer_id: consumer, name: `p${i}`, label_sealed: 'L', created_at: 0 })],
        audit: [{ action: 'test.grouped', outcome: 'success', actor_type: 'system', detail: { i } }],
      }),
    );
    const results = await Promise.allSettled(changes);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(19);
    expect((results[7] as PromiseRejectedResult).reason).toBeInstanceOf(GuardFailed);
    const personas = await db.selectFrom('personas').select('name').execute();
    expect(personas.map((p) => p.name)).not.toContain('p7');
    expect(personas).toHaveLength(19);
    const verified = await verifyAuditLog(db);
    expect(verified).toMatchObject({ ok: true });
    const grouped = await db.selectFrom('audit_events').select('detail').where('action', '=', 'test.grouped').orderBy('seq').execute();
    expect(grouped.map((g) => JSON.parse(g.detail!).i)).toEqual([...Array(20).keys()].filter((i) => i !== 7));
  });

  it(`applies a write-that-must-change-a-row guard on ${testDialect}: it writes when it matches, fails only its own change when not`, async () => {
    const deps = await testDeps();
    const db = deps.store.db;
    const consumer = await seedConsumer(deps);
    await deps.store.commit({
      writes: [0, 1, 2, 3].map((i) => db.insertInto('personas').values({ consumer_id: consumer, name: `p${i}`, label_sealed: 'old', created_at: 0 })),
    });
    const rename = (name: string) => db.updateTable('personas').set({ label_sealed: 'new' }).where('consumer_id', '=', consumer).where('name', '=', name);
    const never = { name: 'never', exists: db.selectFrom('consumers').select('id').where('id', '=', 'nobody') };
    const results = await Promise.allSettled([
      ...['p0', 'p1', 'nobody', 'p3'].map((name) =>
        deps.store.commit({
          guards: [{ name: `renamed:${name}`, changes: rename(name) }],
          audit: [{ action: 'test.renamed', outcome: 'success', actor_type: 'system', detail: { name } }],
        }),
      ),
      // Its write guard holds and writes, then a later guard fails: the write must not stay.
      deps.store.commit({
        guards: [{ name: 'renamed:p2', changes: rename('p2') }, never],
        audit: [{ action: 'test.renamed', outcome: 'success', actor_type: 'system', detail: { name: 'p2' } }],
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected']);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ guard: 'renamed:nobody' });
    expect((results[4] as PromiseRejectedResult).reason).toMatchObject({ guard: 'never' });
    const labels = await db.selectFrom('personas').select(['name', 'label_sealed']).where('consumer_id', '=', consumer).orderBy('name').execute();
    expect(labels).toEqual([
      { name: 'p0', label_sealed: 'new' },
      { name: 'p1', label_sealed: 'new' },
      { name: 'p2', label_sealed: 'old' },
      { name: 'p3', label_sealed: 'new' },
    ]);
    const audited = await db.selectFrom('audit_events').select('detail').where('action', '=', 'test.renamed').orderBy('seq').execute();
    expect(audited.map((e) => JSON.parse(e.detail!).name)).toEqual(['p0', 'p1', 'p3']);
  });

  it(`fails only the change whose value cannot be sent on ${testDialect}, applying its neighbours exactly once`, async () => {
    const deps = await testDeps();
    const db = deps.store.db;
    const consumer = await seedConsumer(deps);
    await deps.store.commit({ writes: [db.insertInto('personas').values({ consumer_id: consumer, name: 'p', label_sealed: 'L', created_at: 0 })] });
    const unsendable = {
      toJSON: () => {
        throw new Error('cannot be sent');
      },
    };
    const results = await Promise.allSettled([
      deps.store.commit({
        writes: [
          db
            .updateTable('personas')
            .set((eb) => ({ label_sealed: eb('label_sealed', '||', 'x') }))
            .where('name', '=', 'p'),
        ],
        audit: [{ action: 'test.appended', outcome: 'success', actor_type: 'system' }],
      }),
      deps.store.commit({
        writes: [
          db
            .updateTable('personas')
            .set({ label_sealed: unsendable as unknown as string })
            .where('name', '=', 'p'),
        ],
        audit: [{ action: 'test.unsendable', outcome: 'success', actor_type: 'system' }],
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect(await db.selectFrom('personas').select('label_sealed').where('name', '=', 'p').executeTakeFirstOrThrow()).toEqual({ label_sealed: 'Lx' });
    const actions = await db.selectFrom('audit_events').select('action').where('action', 'like', 'test.%').orderBy('seq').execute();
    expect(actions.map((a) => a.action)).toEqual(['test.appended']);
    expect(await verifyAuditLog(db)).toMatchObject({ ok: true });
  });

  it(`stores every audit field of a batch exactly as given on ${testDialect}, whatever characters it holds`, async () => {
    const deps = await testDeps();
    const awkward = ['NULL', 'null', '', ' ', 'a,b', '{x}', '"quoted"', "it's", 'back\\slash', 'tab\tnew\nline', 'ünïcødé 🗝', '$1', ')', '(,)'];
    await Promise.all(
      awkward.map((text, i) =>
        deps.store.commit({
          audit: [
            {
              action: 'test.awkward',
              outcome: 'success',
              actor_type: 'system',
              actor_id: i % 2 ? text : null,
              reason: text,
              purpose: i % 3 ? null : text,
              attributes: [text, 'email'],
              detail: { text },
            },
          ],
        }),
      ),
    );
    const rows = await deps.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'test.awkward').orderBy('seq').execute();
    expect(rows.map((r) => r.reason)).toEqual(awkward);
    expect(rows.map((r) => r.actor_id)).toEqual(awkward.map((t, i) => (i % 2 ? t : null)));
    expect(rows.map((r) => r.purpose)).toEqual(awkward.map((t, i) => (i % 3 ? null : t)));
    expect(rows.map((r) => JSON.parse(r.detail!).text)).toEqual(awkward);
    expect(rows.map((r) => JSON.parse(r.attributes!)[0])).toEqual(awkward);
    expect(rows.every((r) => typeof r.seq === 'number' && typeof r.ts === 'number')).toBe(true);
    expect(await verifyAuditLog(deps.store.db)).toMatchObject({ ok: true });
  });

  it(`answers a batch of reads in order, and a failing one fails the call, on ${testDialect}`, async () => {
    const deps = await testDeps();
    const db = deps.store.db;
    const consumer = await seedConsumer(deps);
    const [consumers, none, one] = await deps.store.readAll([
      db.selectFrom('consumers').select('id').where('id', '=', consumer),
      db.selectFrom('consumers').select('id').where('id', '=', 'nobody'),
      db.selectNoFrom(sql<number>`1`.as('one')),
    ]);
    expect(consumers).toEqual([{ id: consumer }]);
    expect(none).toEqual([]);
    expect(one).toEqual([{ one: 1 }]);
    await expect(deps.store.readAll([db.selectNoFrom(sql<number>`1`.as('one')), db.selectFrom(sql`no_such_table`.as('t')).selectAll()])).rejects.toThrow(
      /no_such_table/,
    );
    // The connection it ran on is still good for the next call, and for a commit: no
    // transaction was left open by the failure.
    for (let i = 0; i < 12; i++) expect((await deps.store.readAll([db.selectNoFrom(sql<number>`2`.as('two'))]))[0]).toEqual([{ two: 2 }]);
    const committed = await deps.store.commit({ audit: [{ action: 'test.after_failed_read', outcome: 'success', actor_type: 'operator' }] });
    expect(committed.events).toHaveLength(1);
  });

  it(`keeps answering reads on ${testDialect} after a migration adds a column under a SELECT * it has already run`, async () => {
    const deps = await testDeps();
    const db = deps.store.db;
    await sql`CREATE TABLE widened (a integer)`.execute(db);
    await sql`INSERT INTO widened VALUES (1)`.execute(db);
    const all = () => db.selectFrom(sql`widened`.as('w')).selectAll();
    // Several at once, so that more than one pooled connection has the statement prepared.
    await Promise.all(Array.from({ length: 12 }, () => deps.store.readAll([all()])));
    await sql`ALTER TABLE widened ADD COLUMN b integer`.execute(db);
    const after = await Promise.all(Array.from({ length: 12 }, () => deps.store.readAll([all()])));
    expect(after.map(([rows]) => rows)).toEqual(Array(12).fill([{ a: 1, b: null }]));
    for (let i = 0; i < 12; i++) expect((await deps.store.readAll([all()]))[0]).toEqual([{ a: 1, b: null }]);
  });

  it(`answers no read before its audit event is committed on ${testDialect}: another connection already sees it`, async () => {
    const file = join(dir, 'durable.db');
    const deps = testDialect === 'postgres' ? await testDeps() : await sqliteTestDeps({ file });
    const app = createApp(deps);
    const me = await signedInConsumer(deps, app);
    await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'durable@example.com' } });
    const brand = await secretBrand(deps);
    const { access_token, grant_id } = await tokensFor(app, brand, me);
    // A second connection sees only committed transactions (and committed means flushed:
    // SQLite WAL with synchronous=FULL, PostgreSQL with synchronous_commit on).
    const query = "SELECT count(*) AS n FROM audit_events WHERE grant_id = $1 AND action = 'grant.read' AND outcome = 'success'";
    let count: () => Promise<number>;
    let closeObserver: () => Promise<void>;
    if (testDialect === 'postgres') {
      const client = new pg.Client({ connectionString: testDatabaseUrl(), options: `-c search_path=${deps.schema}` });
      await client.connect();
      count = async () => Number((await client.query(query, [grant_id])).rows[0].n);
      closeObserver = () => client.end();
    } else {
      const observer = new Database(file, { readonly: true });
      const stmt = observer.prepare(query.replace('$1', '?'));
      count = async () => (stmt.get(grant_id) as { n: number }).n;
      closeObserver = async () => {
        observer.close();
      };
    }
    let answered = 0;
    const violations: number[] = [];
    await Promise.all(
      Array.from({ length: 200 }, async () => {
        const res = await read(app, access_token);
        expect(res.status).toBe(200);
        answered += 1;
        const seenByNow = answered;
        const n = await count();
        if (n < seenByNow) violations.push(seenByNow - n);
      }),
    );
    await closeObserver();
    expect(answered).toBe(200);
    expect(violations).toEqual([]);
  });
});

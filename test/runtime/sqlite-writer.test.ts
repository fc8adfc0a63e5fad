import { mkdtempSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Compilable, CompiledQuery } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { GuardFailed } from '../../src/errors.ts';
import { verifyAuditLog } from '../../src/features/audit/verify.ts';
import { createSqliteStore, openSqlite, type SqliteWriter } from '../../src/runtime/store/sqlite/store.ts';
import { migrateSqlite } from '../../src/runtime/store/sqlite/migrations.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function store(name: string, writer?: SqliteWriter) {
  const sqlite = openSqlite(name === ':memory:' ? name : join(dir, name));
  await migrateSqlite(sqlite);
  return createSqliteStore(sqlite, fixedClock(), { writer });
}

const raw = (sql: string, parameters: unknown[] = []): Compilable<unknown> => ({
  compile: () => ({ sql, parameters, query: {} }) as unknown as CompiledQuery<unknown>,
});
const persona = (name: string, value: unknown = 0) =>
  raw("INSERT INTO personas (consumer_id, name, label_sealed, created_at) VALUES ('c1', ?, 'L', ?)", [name, value]);
const consumer = raw("INSERT INTO consumers (id, status, created_at) VALUES ('c1', 'active', 0)");

describe('SQLite writer', () => {
  const cases: [string, string, SqliteWriter][] = [
    ['a file, written by the writer thread', 'thread.db', 'thread'],
    ['a file, written in place', 'in-place.db', 'in-place'],
    ['memory', ':memory:', 'in-place'],
  ];
  for (const [where, file, writer] of cases) {
    it(`on ${where}: a change queued by a caller the moment its previous commit is answered is committed too`, async () => {
      const s = await store(file === ':memory:' ? file : `chain-${file}`, writer);
      for (let i = 0; i < 5; i++) await s.commit({ audit: [{ action: 'test.sequential', outcome: 'success', actor_type: 'system' }] });
      const n = await s.db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', '=', 'test.sequential')
        .executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(5);
      await s.close();
    });

    it(`on ${where}: a failing guard, a statement that does not compile and a value that cannot be stored each fail alone`, async () => {
      const s = await store(file === ':memory:' ? file : `isolation-${file}`, writer);
      await s.commit({ writes: [consumer] });
      const results = await Promise.allSettled([
        s.commit({ writes: [persona('a')], audit: [{ action: 'test.ok', outcome: 'success', actor_type: 'system' }] }),
        s.commit({
          guards: [{ name: 'never', exists: s.db.selectFrom('consumers').select('id').where('id', '=', 'nobody') }],
          writes: [persona('b')],
          audit: [{ action: 'test.guarded', outcome: 'success', actor_type: 'system' }],
        }),
        s.commit({ writes: [raw('INSERT INTO nowhere VALUES (1)')], audit: [{ action: 'test.bad_sql', outcome: 'success', actor_type: 'system' }] }),
        s.commit({ writes: [persona('c', Number.NaN)] }),
        s.commit({ writes: [persona('d')], audit: [{ action: 'test.ok', outcome: 'success', actor_type: 'system' }] }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected', 'fulfilled']);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(GuardFailed);
      expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/nowhere/);
      const names = await s.db.selectFrom('personas').select('name').orderBy('name').execute();
      expect(names.map((p) => p.name)).toEqual(['a', 'd']);
      // The chain stays gapless across the changes that failed.
      expect(await verifyAuditLog(s.db)).toMatchObject({ ok: true, checked: 2 });
      await s.close();
    });

    it(`on ${where}: a write that must change a row commits when it does and fails alone, after its batch's other writes, when not`, async () => {
      const s = await store(file === ':memory:' ? file : `changes-${file}`, writer);
      await s.commit({ writes: [consumer, persona('a'), persona('b')] });
      const relabel = (name: string) => s.db.updateTable('personas').set({ label_sealed: 'M' }).where('name', '=', name).where('label_sealed', '=', 'L');
      const results = await Promise.allSettled([
        // The change before it in the batch writes a row; changes() must not see that write as its own.
        s.commit({ writes: [persona('c')], audit: [{ action: 'test.ok', outcome: 'success', actor_type: 'system' }] }),
        s.commit({
          guards: [{ name: 'relabel_missing', changes: relabel('missing') }],
          audit: [{ action: 'test.relabelled', outcome: 'success', actor_type: 'system' }],
        }),
        s.commit({ guards: [{ name: 'relabel_a', changes: relabel('a') }], audit: [{ action: 'test.relabelled', outcome: 'success', actor_type: 'system' }] }),
        s.commit({
          guards: [{ name: 'relabel_a_again', changes: relabel('a') }],
          audit: [{ action: 'test.relabelled', outcome: 'success', actor_type: 'system' }],
        }),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected']);
      expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ guard: 'relabel_missing' });
      expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ guard: 'relabel_a_again' });
      const labels = await s.db.selectFrom('personas').select(['name', 'label_sealed']).orderBy('name').execute();
      expect(labels).toEqual([
        { name: 'a', label_sealed: 'M' },
        { name: 'b', label_sealed: 'L' },
        { name: 'c', label_sealed: 'L' },
      ]);
      expect(await verifyAuditLog(s.db)).toMatchObject({ ok: true, checked: 2 });
      await s.close();
    });
  }

  it.each(['thread', 'in-place'] as const)('commits what was accepted before close (%s), and a reopened file holds it', async (writer) => {
    const s = await store(`close-${writer}.db`, writer);
    const pending = Array.from({ length: 50 }, (_, i) =>
      s.commit({ audit: [{ action: 'test.before_close', outcome: 'success', actor_type: 'system', detail: { i } }] }),
    );
    await s.close();
    await Promise.all(pending);
    const again = await store(`close-${writer}.db`, writer);
    const rows = await again.db.selectFrom('audit_events').select('seq').where('action', '=', 'test.before_close').execute();
    expect(rows).toHaveLength(50);
    await again.close();
  });

  it.each(['thread', 'in-place'] as const)('answers no commit (%s) before another connection sees its audit event', async (writer) => {
    const s = await store(`durable-${writer}.db`, writer);
    const observer = new Database(join(dir, `durable-${writer}.db`), { readonly: true });
    const seen = observer.prepare('SELECT count(*) AS n FROM audit_events WHERE seq = ?');
    const late: number[] = [];
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const { events } = await s.commit({ audit: [{ action: 'test.durable', outcome: 'success', actor_type: 'system', detail: { i } }] });
        for (const e of events) if ((seen.get(e.seq) as { n: number }).n !== 1) late.push(e.seq);
      }),
    );
    observer.close();
    await s.close();
    expect(late).toEqual([]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Compilable, CompiledQuery } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { GuardFailed } from '../../src/errors.ts';
import { verifyAuditLog } from '../../src/features/audit/verify.ts';
import { createSqliteStore, openSqlite } from '../../src/runtime/sqlite-store.ts';
import { migrateSqlite } from '../../src/runtime/sqlite-migrations.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-writer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function store(name: string) {
  const sqlite = openSqlite(name === ':memory:' ? name : join(dir, name));
  await migrateSqlite(sqlite);
  return createSqliteStore(sqlite, fixedClock());
}

const raw = (sql: string, parameters: unknown[] = []): Compilable<unknown> =>
  ({ compile: () => ({ sql, parameters, query: {} }) as unknown as CompiledQuery<unknown> });
const persona = (name: string, value: unknown = 0) =>
  raw("INSERT INTO personas (consumer_id, name, label, created_at) VALUES ('c1', ?, 'L', ?)", [name, value]);
const consumer = raw("INSERT INTO consumers (id, status, created_at) VALUES ('c1', 'active', 0)");

describe('SQLite writer', () => {
  for (const where of ['a file (writer thread)', 'memory (in place)']) {
    const file = where.startsWith('a file') ? 'thread.db' : ':memory:';

    it(`on ${where}: a change queued by a caller the moment its previous commit is answered is committed too`, async () => {
      const s = await store(file === ':memory:' ? file : `chain-${file}`);
      for (let i = 0; i < 5; i++) await s.commit({ audit: [{ action: 'test.sequential', outcome: 'success', actor_type: 'system' }] });
      const n = await s.db.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'test.sequential').executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(5);
      await s.close();
    });

    it(`on ${where}: a failing guard, a statement that does not compile and a value that cannot be stored each fail alone`, async () => {
      const s = await store(file === ':memory:' ? file : `isolation-${file}`);
      await s.commit({ writes: [consumer] });
      const results = await Promise.allSettled([
        s.commit({ writes: [persona('a')], audit: [{ action: 'test.ok', outcome: 'success', actor_type: 'system' }] }),
        s.commit({ guards: [{ name: 'never', exists: s.db.selectFrom('consumers').select('id').where('id', '=', 'nobody') }], writes: [persona('b')], audit: [{ action: 'test.guarded', outcome: 'success', actor_type: 'system' }] }),
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
      expect(await verifyAuditLog(s.db, { keys: [] })).toMatchObject({ ok: true, checked: 2 });
      await s.close();
    });
  }

  it('commits what was accepted before close, and a reopened file holds it', async () => {
    const s = await store('close.db');
    const pending = Array.from({ length: 50 }, (_, i) => s.commit({ audit: [{ action: 'test.before_close', outcome: 'success', actor_type: 'system', detail: { i } }] }));
    await s.close();
    await Promise.all(pending);
    const again = await store('close.db');
    const rows = await again.db.selectFrom('audit_events').select('seq').where('action', '=', 'test.before_close').execute();
    expect(rows).toHaveLength(50);
    await again.close();
  });
});

// PostgreSQL only (the sqlite project leaves this file out): connections the server cuts
// — a restart, a failover, an operator's pg_terminate_backend — fail the queries on them
// (a read is sent again, on another connection) and are replaced; they never take the
// process down with an unhandled 'error' event.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { newId } from '../../src/crypto/random.ts';
import { createPool, createPostgresStore, migratePostgres } from '../../src/runtime/store/postgres/store.ts';
import { fixedClock } from '../../src/clock.ts';
import { testDatabaseUrl } from '../helpers/postgres.ts';

const admin = new pg.Client({ connectionString: testDatabaseUrl() });
const ready = admin.connect();
const schema = `t_cut_${newId()
  .toLowerCase()
  .replace(/[^a-z0-9]/g, '')}`;
afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

/** Ends every server backend whose last statement carried `marker`. */
async function cut(marker: string): Promise<number> {
  await ready;
  const r = await admin.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()', [`%${marker}%`]);
  return r.rows.length;
}

describe('PostgreSQL connections cut by the server', () => {
  it('send the read in flight on them again on another connection, report the failure, and are replaced', async () => {
    const errors: Error[] = [];
    await ready;
    await admin.query(`CREATE SCHEMA ${schema}`);
    const pool = createPool(testDatabaseUrl(), { schema, max: 4, onError: (e) => errors.push(e) });
    await migratePostgres(pool);
    const store = createPostgresStore(pool, fixedClock());
    const marker = `cut_${newId().replace(/[^A-Za-z0-9]/g, '')}`;
    const tagged = (extra = sql``) => store.db.selectNoFrom(sql<string>`${sql.lit(marker)}`.as('m')).where(sql<boolean>`true ${extra}`);
    // Four connections, each left idle with the marker as its last statement (through
    // Kysely: a connection per query, where readAll would group the four on one).
    await Promise.all(Array.from({ length: 4 }, () => tagged().execute()));
    // One more, cut while its read is in flight: a read changes nothing, so it is sent
    // again on a fresh connection and answered. Its outcome is taken at once (a rejection
    // would otherwise land before anything handled it).
    const inFlight = store.readAll([tagged(sql`and pg_sleep(0.5) is not null`)]).then(
      () => 'answered',
      (err: Error) => err.message,
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(await cut(marker)).toBeGreaterThanOrEqual(4);
    expect(await inFlight).toBe('answered');
    await new Promise((r) => setTimeout(r, 300));
    expect(errors.length).toBeGreaterThan(0);
    // The pool has dropped the dead connections: reads and commits work again.
    expect((await store.readAll([tagged()]))[0]).toEqual([{ m: marker }]);
    await store.commit({ audit: [{ action: 'test.after_cut', outcome: 'success', actor_type: 'system' }] });
    await store.close();
  });

  it('recover a statement whose block failed after preparing it: the next block prepares it again on the same connection', async () => {
    await ready;
    const own = `${schema}_again`;
    await admin.query(`CREATE SCHEMA ${own}`);
    try {
      const store = createPostgresStore(createPool(testDatabaseUrl(), { schema: own, max: 1 }), fixedClock());
      const divide = (by: number) => store.db.selectNoFrom(sql<number>`100 / ${by}::int`.as('q'));
      const first = store.db.selectNoFrom(sql<number>`${sql.lit(1)} + ${2}::int`.as('n'));
      // Both texts are new to the connection; the second fails when executed, after being prepared.
      await expect(store.readAll([first, divide(0)])).rejects.toThrow(/division by zero/);
      expect(await store.readAll([first, divide(4)])).toEqual([[{ n: 3 }], [{ q: 25 }]]);
      await expect(store.readAll([divide(0)])).rejects.toThrow(/division by zero/);
      expect(await store.readAll([divide(5), first])).toEqual([[{ q: 20 }], [{ n: 3 }]]);
      await store.close();
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${own} CASCADE`);
    }
  });

  it('never replays a batch whose outcome a client-side timeout left unknown: it is reported in doubt and applied once', async () => {
    await ready;
    const own = `${schema}_timeout`;
    await admin.query(`CREATE SCHEMA ${own}`);
    const locker = new pg.Client({ connectionString: testDatabaseUrl(), options: `-c search_path=${own}` });
    try {
      const url = new URL(testDatabaseUrl());
      url.searchParams.set('query_timeout', '300');
      const pool = createPool(url.toString(), { schema: own, max: 2 });
      await migratePostgres(pool);
      const store = createPostgresStore(pool, fixedClock());
      const db = store.db;
      await store.commit({
        writes: [
          db.insertInto('consumers').values({ id: 'c', status: 'active', created_at: 0 }),
          db.insertInto('personas').values({ consumer_id: 'c', name: 'p', label_sealed: 'L', created_at: 0 }),
        ],
      });
      await locker.connect();
      await locker.query('BEGIN');
      await locker.query("SELECT * FROM personas WHERE name = 'p' FOR UPDATE");
      const waiting = store.commit({
        writes: [
          db
            .updateTable('personas')
            .set((eb) => ({ label_sealed: eb('label_sealed', '||', 'x') }))
            .where('name', '=', 'p'),
        ],
        audit: [{ action: 'test.slow', outcome: 'success', actor_type: 'system' }],
      });
      const outcome = waiting.then(
        () => 'committed',
        (err: Error) => err.name,
      );
      await new Promise((r) => setTimeout(r, 700)); // past the 300 ms timeout
      await locker.query('COMMIT'); // the blocked batch now runs to its COMMIT on the server
      expect(await outcome).toBe('CommitInDoubt');
      await new Promise((r) => setTimeout(r, 300));
      expect(await db.selectFrom('personas').select('label_sealed').where('name', '=', 'p').executeTakeFirstOrThrow()).toEqual({ label_sealed: 'Lx' });
      expect(await db.selectFrom('audit_events').select('seq').where('action', '=', 'test.slow').execute()).toHaveLength(1);
      // The store goes on committing on a fresh connection.
      await store.commit({ audit: [{ action: 'test.after', outcome: 'success', actor_type: 'system' }] });
      await store.close();
    } finally {
      await locker.end().catch(() => {});
      await admin.query(`DROP SCHEMA IF EXISTS ${own} CASCADE`);
    }
  });
});

// PostgreSQL only (the sqlite project leaves this file out): reads that reach the store
// together share one block on one connection, and each is still answered — or fails —
// on its own.
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { groupedReads } from '../../src/runtime/store/postgres/read-group.ts';
import { openPostgresTestStore, testDatabaseUrl } from '../helpers/postgres.ts';

const plain = (text: string) => ({ sql: text, parameters: [] });
const outcome = (p: Promise<unknown>) =>
  p.then(
    (rows) => rows,
    (err: Error) => `rejected: ${err.message}`,
  );

async function openStore() {
  const { store } = await openPostgresTestStore(fixedClock());
  const connects = vi.spyOn(store.pool, 'connect');
  const db = store.db;
  const echo = (n: number) => db.selectNoFrom(sql<number>`${n}::int`.as('n'));
  const divide = (by: number) => db.selectNoFrom(sql<number>`100 / ${by}::int`.as('q'));
  return { store, connects, echo, divide };
}

describe('grouped reads on PostgreSQL', () => {
  it('sends reads issued together as one block on one connection, each answered with its own rows', async () => {
    const { store, connects, echo } = await openStore();
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => store.readAll([echo(i), echo(100 + i)])));
    expect(answers).toEqual(Array.from({ length: 12 }, (_, i) => [[{ n: i }], [{ n: 100 + i }]]));
    expect(connects).toHaveBeenCalledTimes(1);
    await store.close();
  });

  it('fails only the read whose statement failed: the reads before and after it in the block are answered', async () => {
    const { store, echo, divide } = await openStore();
    const reads = [
      store.readAll([echo(1)]),
      store.readAll([echo(2), divide(4)]),
      store.readAll([echo(3), divide(0), echo(4)]),
      store.readAll([divide(5)]),
      store.readAll([echo(6), echo(7)]),
    ].map((p) =>
      p.then(
        (rows) => rows,
        (err: Error) => err.message,
      ),
    );
    expect(await Promise.all(reads)).toEqual([
      [[{ n: 1 }]],
      [[{ n: 2 }], [{ q: 25 }]],
      expect.stringMatching(/division by zero/),
      [[{ q: 20 }]],
      [[{ n: 6 }], [{ n: 7 }]],
    ]);
    // Two failures in one group: each fails alone, in whichever block it ends up.
    const twice = await Promise.all(
      [divide(0), echo(8), divide(0), echo(9)].map((q) =>
        store.readAll([q]).then(
          (r) => r[0],
          (e: Error) => e.message,
        ),
      ),
    );
    expect(twice).toEqual([expect.stringMatching(/division by zero/), [{ n: 8 }], expect.stringMatching(/division by zero/), [{ n: 9 }]]);
    await store.close();
  });

  it('runs a read with a value pg converts with code of its own by itself, beside the grouped ones', async () => {
    const { store, echo } = await openStore();
    const when = new Date(Date.UTC(2026, 10, 23, 12, 0, 0));
    const dated = store.db.selectNoFrom(sql<string>`to_char(${when}::timestamptz at time zone 'UTC', 'YYYY-MM-DD HH24:MI')`.as('d'));
    const [a, b, c] = await Promise.all([store.readAll([echo(1)]), store.readAll([dated]), store.readAll([echo(2)])]);
    expect([a, b, c]).toEqual([[[{ n: 1 }]], [[{ d: '2026-11-23 12:00' }]], [[{ n: 2 }]]]);
    await store.close();
  });

  it('splits a group larger than one block over several connections, answering every read in order', async () => {
    const { store, connects, echo } = await openStore();
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => store.readAll([echo(i), echo(i), echo(i)])));
    expect(answers.map((rows) => rows.map((r) => r[0]!.n))).toEqual(Array.from({ length: 100 }, (_, i) => [i, i, i]));
    expect(connects.mock.calls.length).toBeGreaterThan(1);
    await store.close();
  });

  it('fails only the read whose row pg cannot parse: the reads after it in the block keep their rows', async () => {
    // A numeric parser that refuses one value stands in for any value pg's parsers reject.
    const types = {
      getTypeParser: ((oid: number, format?: string) =>
        oid === 1700
          ? (v: string) => {
              if (v === '13') throw new Error('unparsable numeric');
              return Number(v);
            }
          : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
    };
    const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
    try {
      const read = groupedReads(pool, types);
      const answers = await Promise.all(
        [
          read([plain('SELECT 1::int AS a')]),
          read([plain('SELECT 13::numeric AS bad')]),
          read([plain('SELECT g::numeric AS n FROM generate_series(1, 3) g')]),
          read([plain("SELECT 'x'::text AS t")]),
        ].map(outcome),
      );
      expect(answers).toEqual([[[{ a: 1 }]], 'rejected: unparsable numeric', [[{ n: 1 }, { n: 2 }, { n: 3 }]], [[{ t: 'x' }]]]);
    } finally {
      await pool.end();
    }
  });

  it('answers every read of a group whose connection the server ended mid-block, sending the unanswered ones again on a fresh connection', async () => {
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
    pool.on('error', () => {}); // the ended connection, reported by the pool
    try {
      const read = groupedReads(pool, pg.types as pg.CustomTypesConfig);
      const marker = `ended_${Date.now()}`;
      const answers = Promise.all(
        [read([plain('SELECT 1 AS a')]), read([plain(`SELECT pg_backend_pid() AS pid, pg_sleep(0.4)::text AS ${marker}`)]), read([plain('SELECT 3 AS c')])].map(
          outcome,
        ),
      );
      await new Promise((r) => setTimeout(r, 150));
      const ended = await admin.query('SELECT pid FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()', [`%${marker}%`]);
      expect(ended.rows).toHaveLength(1);
      await admin.query('SELECT pg_terminate_backend($1)', [ended.rows[0].pid]);
      const [first, second, third] = await answers;
      expect(first).toEqual([[{ a: 1 }]]);
      // Answered by another server process than the one that was ended.
      expect(second).toEqual([[{ pid: expect.any(Number), [marker]: '' }]]);
      expect((second as [[{ pid: number }]])[0][0].pid).not.toBe(ended.rows[0].pid);
      expect(third).toEqual([[{ c: 3 }]]);
    } finally {
      await pool.end();
      await admin.end();
    }
  });

  it('gives up on a read that ends its own connection every time after four resends, while the read skipped behind it is answered', async () => {
    const pool = new pg.Pool({ connectionString: testDatabaseUrl(), max: 2 });
    pool.on('error', () => {});
    const connects = vi.spyOn(pool, 'connect');
    try {
      const read = groupedReads(pool, pg.types as pg.CustomTypesConfig);
      const [suicidal, fine] = await Promise.all(
        [read([plain('SELECT pg_terminate_backend(pg_backend_pid()) AS ended')]), read([plain('SELECT 2 AS b')])].map(outcome),
      );
      expect(suicidal).toMatch(/^rejected: terminating connection/);
      // Skipped behind it every time, the other read is sent once more on its own and answered.
      expect(fine).toEqual([[{ b: 2 }]]);
      // Sent five times in all (once, then four resends), plus that last send of the other read.
      expect(connects).toHaveBeenCalledTimes(6);
    } finally {
      await pool.end();
    }
  });
});

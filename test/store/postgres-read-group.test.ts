// PostgreSQL only (the sqlite project leaves this file out): reads that reach the store
// together share one block on one connection, and each is still answered — or fails —
// on its own.
import { sql } from 'kysely';
import { describe, expect, it, vi } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { openPostgresTestStore } from '../helpers/postgres.ts';

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
      store.readAll([echo(1)]), store.readAll([echo(2), divide(4)]), store.readAll([echo(3), divide(0), echo(4)]),
      store.readAll([divide(5)]), store.readAll([echo(6), echo(7)]),
    ].map((p) => p.then((rows) => rows, (err: Error) => err.message));
    expect(await Promise.all(reads)).toEqual([
      [[{ n: 1 }]], [[{ n: 2 }], [{ q: 25 }]], expect.stringMatching(/division by zero/), [[{ q: 20 }]], [[{ n: 6 }], [{ n: 7 }]],
    ]);
    // Two failures in one group: each fails alone, in whichever block it ends up.
    const twice = await Promise.all([divide(0), echo(8), divide(0), echo(9)].map((q) => store.readAll([q]).then((r) => r[0], (e: Error) => e.message)));
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
});

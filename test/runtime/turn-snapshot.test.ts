// The SQLite store's reads of one turn of the event loop share one read transaction
// (turn-snapshot.ts): it ends when the turn does, and before anything else uses the
// connection — a write (also one retried after waiting for another connection's lock),
// a Kysely statement, the erasure's checkpoint, closing — and before a committed batch's
// callers are answered, so a caller always reads what it committed. Real files, a second
// real connection, and the writer thread.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Compilable, CompiledQuery } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { migrateSqlite } from '../../src/runtime/store/sqlite/migrations.ts';
import { createSqliteStore, openSqlite, type SqliteWriter } from '../../src/runtime/store/sqlite/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-turn-snapshot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const raw = (sql: string, parameters: unknown[] = []): Compilable<{ n: number }> => ({
  compile: () => ({ sql, parameters, query: {} }) as unknown as CompiledQuery<{ n: number }>,
});
const count = raw("SELECT count(*) AS n FROM personas WHERE consumer_id = 'c1'");
const consumer = raw("INSERT INTO consumers (id, status, created_at) VALUES ('c1', 'active', 0)");
const persona = (name: string) => raw("INSERT INTO personas (consumer_id, name, label_sealed, created_at) VALUES ('c1', ?, 'L', 0)", [name]);
const nextTurn = () => new Promise((r) => setImmediate(r));

/** The store on a file, with the handle it was given (read directly: the store's own getter ends the transaction). */
async function fileStore(name: string, writer: SqliteWriter = 'in-place') {
  const file = join(dir, name);
  const handle = openSqlite(file);
  await migrateSqlite(handle);
  const store = createSqliteStore(handle, fixedClock(), { writer });
  await store.commit({ writes: [consumer] });
  const n = async () => (await store.readAll([count]))[0][0]!.n;
  return { file, handle, store, n };
}

describe('the SQLite store’s shared read transaction', () => {
  it('is shared by the reads of one turn and ends when the turn does', async () => {
    const { handle, store } = await fileStore('shared.db');
    await store.readAll([count]);
    expect(handle.inTransaction).toBe(true);
    await store.readAll([count, count]);
    expect(handle.inTransaction).toBe(true);
    await nextTurn();
    expect(handle.inTransaction).toBe(false);
    await store.close();
  });

  it('lets the next turn see another connection’s commit, and not the reads later in the same turn', async () => {
    const { file, store, n } = await fileStore('other-connection.db');
    const other = new Database(file);
    expect(await n()).toBe(0);
    other.prepare("INSERT INTO personas (consumer_id, name, label_sealed, created_at) VALUES ('c1', 'elsewhere', 'L', 0)").run();
    expect(await n()).toBe(0);
    await nextTurn();
    expect(await n()).toBe(1);
    other.close();
    await store.close();
  });

  for (const writer of ['in-place', 'thread'] as const) {
    it(`(${writer}) ends before a commit is answered: what a caller reads next includes its commit, though reads kept a transaction open all along`, async () => {
      const { store, n } = await fileStore(`read-after-commit-${writer}.db`, writer);
      // A read in every turn, each beginning the transaction the next turn's end closes: one is
      // open whenever the commit's answer arrives.
      let reading = true;
      const keepReading = () => {
        if (!reading) return;
        void store.readAll([count]);
        setImmediate(keepReading);
      };
      keepReading();
      try {
        for (let i = 1; i <= 15; i++) {
          await store.commit({ writes: [persona(`p${i}`)] });
          expect(await n()).toBe(i);
        }
      } finally {
        reading = false;
      }
      await store.close();
    });
  }

  it('ends before a Kysely statement, which then commits on its own at once', async () => {
    const { file, handle, store } = await fileStore('kysely.db');
    const other = new Database(file, { readonly: true });
    await store.readAll([count]);
    expect(handle.inTransaction).toBe(true);
    await store.db.insertInto('personas').values({ consumer_id: 'c1', name: 'direct', label_sealed: 'L', created_at: 0 }).execute();
    expect(handle.inTransaction).toBe(false);
    expect(other.prepare("SELECT count(*) AS n FROM personas WHERE name = 'direct'").get()).toEqual({ n: 1 });
    other.close();
    await store.close();
  });

  it('ends before a write that had to wait for another connection’s lock is tried again', async () => {
    const { file, store, n } = await fileStore('lock-wait.db');
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    const committed = store.commit({ writes: [persona('after-the-wait')] });
    // Reads go on while the write waits on its timer, each turn opening the transaction again.
    for (let i = 0; i < 20; i++) {
      await store.readAll([count]);
      await new Promise((r) => setTimeout(r, 2));
    }
    await store.readAll([count]);
    other.exec('COMMIT');
    await committed;
    expect(await n()).toBe(1);
    other.close();
    await store.close();
  });

  it('ends before the erasure’s checkpoint, which truncates the WAL in the turn of a read', async () => {
    const { file, store } = await fileStore('scrub.db');
    await store.commit({ writes: [persona('erased')] });
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(0);
    await store.readAll([count]);
    await store.scrub(['personas']);
    expect(statSync(`${file}-wal`).size).toBe(0);
    await store.close();
  });

  it('ends when the store closes in the turn of a read, leaving nothing for the turn’s end to do', async () => {
    const { handle, store } = await fileStore('close.db');
    await store.readAll([count]);
    await store.close();
    expect(handle.open).toBe(false);
    await nextTurn();
    await nextTurn();
  });
});

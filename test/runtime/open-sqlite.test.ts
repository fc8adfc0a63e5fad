// openSqlite: how every Trove connection runs (WAL, fsync at every commit, reads through
// a memory map with a small page cache, deleted content zeroed), and that mapped reads
// stay correct while another connection writes, grows the file and checkpoints into it.
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CACHE_KIB, MMAP_BYTES, openSqlite } from '../../src/runtime/store/sqlite/batch.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-open-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('openSqlite', () => {
  it('opens a file in WAL mode with synchronous=FULL, a memory map for reads and a small page cache', () => {
    const db = openSqlite(join(dir, 'settings.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('mmap_size', { simple: true })).toBe(MMAP_BYTES);
    expect(db.pragma('cache_size', { simple: true })).toBe(CACHE_KIB);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    db.close();
  });

  it('zeroes what a delete or a shrinking update frees, so the file keeps no copy of it (an ordinary connection does)', () => {
    const leftovers = (open: (file: string) => Database.Database, name: string) => {
      const file = join(dir, name);
      const db = open(file);
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT)');
      const insert = db.prepare('INSERT INTO t (a, b) VALUES (?, ?)');
      db.transaction(() => {
        for (let i = 0; i < 200; i++) insert.run(`keep-${i}-${'k'.repeat(40)}`, `secret-${i}-${'s'.repeat(40)}`);
      })();
      db.prepare('UPDATE t SET b = NULL WHERE id % 2 = 0').run();
      db.prepare('DELETE FROM t WHERE id % 2 = 1').run();
      db.pragma('wal_checkpoint(TRUNCATE)');
      const text = readFileSync(file).toString('latin1');
      db.close();
      return (text.match(/secret-\d+-s{40}/g) ?? []).length;
    };
    expect(leftovers(openSqlite, 'secure.db')).toBe(0);
    expect(
      leftovers((f) => {
        const db = new Database(f);
        db.pragma('journal_mode = WAL');
        return db;
      }, 'ordinary.db'),
    ).toBeGreaterThan(0);
  });

  it('reads what another connection wrote, grew the file with and checkpointed, never a stale mapped page', () => {
    const file = join(dir, 'shared.db');
    const reader = openSqlite(file);
    reader.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)');
    reader.prepare('INSERT INTO t (v) VALUES (?)').run('first');
    const sum = reader.prepare('SELECT count(*) AS n, sum(length(v)) AS bytes FROM t');
    expect(sum.get()).toEqual({ n: 1, bytes: 5 });

    const writer = openSqlite(file);
    const insert = writer.prepare('INSERT INTO t (v) VALUES (?)');
    const update = writer.prepare("UPDATE t SET v = 'changed' WHERE id = 1");
    for (let round = 0; round < 3; round++) {
      writer.transaction(() => {
        for (let i = 0; i < 2000; i++) insert.run('x'.repeat(500));
      })();
      update.run();
      writer.pragma('wal_checkpoint(PASSIVE)');
      expect(sum.get()).toEqual({ n: 1 + 2000 * (round + 1), bytes: 7 + 2000 * (round + 1) * 500 });
      expect(reader.prepare('SELECT v FROM t WHERE id = 1').pluck().get()).toBe('changed');
    }
    expect(statSync(file).size).toBeGreaterThan(3 * 2000 * 500); // the file grew past its first mapping
    writer.close();
    reader.close();
  });
});

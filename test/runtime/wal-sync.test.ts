// The in-place SQLite writer answers a batch only after the WAL holding its COMMIT was
// flushed to disk (fdatasync on libuv's thread pool), and the event loop keeps serving
// while that flush runs. The flush is the real fdatasync, held back by the test where it
// needs to look at the moment between COMMIT and the flush.
import { fdatasync, fstatSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import type { SyncFile } from '../../src/runtime/store/sqlite/wal-sync.ts';
import { migrateSqlite } from '../../src/runtime/store/sqlite/migrations.ts';
import { createSqliteStore, openSqlite } from '../../src/runtime/store/sqlite/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-wal-sync-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A flush the test releases by hand; each call is recorded with the file it was asked for. */
function heldSync() {
  const calls: { ino: number; release(): void }[] = [];
  const sync: SyncFile = (fd, done) => {
    calls.push({ ino: fstatSync(fd).ino, release: () => fdatasync(fd, done) });
  };
  return { sync, calls };
}

async function fileStore(name: string, syncFile: SyncFile) {
  const file = join(dir, name);
  const sqlite = openSqlite(file);
  await migrateSqlite(sqlite);
  const store = createSqliteStore(sqlite, fixedClock(), { writer: 'in-place', syncFile });
  const observer = new Database(file, { readonly: true });
  const seen = (action: string) => (observer.prepare('SELECT count(*) AS n FROM audit_events WHERE action = ?').get(action) as { n: number }).n;
  const close = async () => {
    observer.close();
    await store.close();
  };
  return { file, store, seen, close };
}

const event = (action: string) => ({ audit: [{ action, outcome: 'success' as const, actor_type: 'system' as const }] });
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  expect(cond()).toBe(true);
};
const settled = <T>(p: Promise<T>) => {
  const s = { done: false };
  p.then(
    () => (s.done = true),
    () => (s.done = true),
  );
  return s;
};

describe('the in-place SQLite writer flushes the WAL before it answers', () => {
  it('answers a commit only after a flush of the WAL file that began after its COMMIT', async () => {
    const held = heldSync();
    const s = await fileStore('order.db', held.sync);
    const committing = s.store.commit(event('test.flushed'));
    const state = settled(committing);
    await until(() => held.calls.length === 1);
    // COMMIT has returned (another connection sees the event) and nobody has been answered.
    expect(s.seen('test.flushed')).toBe(1);
    expect(held.calls[0]!.ino).toBe(statSync(`${s.file}-wal`).ino);
    await new Promise((r) => setTimeout(r, 20));
    expect(state.done).toBe(false);
    held.calls[0]!.release();
    await expect(committing).resolves.toMatchObject({ events: [{ action: 'test.flushed' }] });
    await s.close();
  });

  it('keeps serving reads while a flush runs, and a change queued meanwhile waits for a flush of its own', async () => {
    const held = heldSync();
    const s = await fileStore('overlap.db', held.sync);
    const first = s.store.commit(event('test.first'));
    await until(() => held.calls.length === 1);
    const second = s.store.commit(event('test.second'));
    const secondState = settled(second);
    // The event loop is not blocked by the flush: reads answer while it is held.
    const [rows] = await s.store.readAll([s.store.db.selectFrom('audit_events').select('action')]);
    expect(rows.map((r) => r.action)).toEqual(['test.first']);
    held.calls[0]!.release();
    await first;
    await until(() => held.calls.length === 2);
    expect(s.seen('test.second')).toBe(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(secondState.done).toBe(false);
    held.calls[1]!.release();
    await second;
    await s.close();
  });

  it('fails a commit whose flush failed, then refuses every later change without applying it', async () => {
    const eio: SyncFile = (_fd, done) => done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    const s = await fileStore('failed.db', eio);
    await expect(s.store.commit(event('test.unflushed'))).rejects.toThrow(/WAL could not be flushed/);
    await expect(s.store.commit(event('test.after'))).rejects.toThrow(/WAL could not be flushed/);
    expect(s.seen('test.after')).toBe(0);
    await s.close();
  });

  it('runs the very first batch after opening at synchronous=NORMAL too, its WAL flushed before it is answered', async () => {
    const held = heldSync();
    const s = await fileStore('first-batch.db', held.sync);
    // A guard that holds only while the batch's transaction runs at NORMAL (1).
    const atNormal = {
      name: 'at_normal',
      exists: s.store.db
        .selectFrom(sql`pragma_synchronous()`.as('p') as never)
        .select(sql`1`.as('one'))
        .where(sql`synchronous`, '=', 1) as never,
    };
    const first = s.store.commit({ guards: [atNormal], ...event('test.first_batch') });
    await until(() => held.calls.length === 1);
    held.calls[0]!.release();
    await first;
    expect(s.seen('test.first_batch')).toBe(1);
    await s.close();
  });

  it('leaves the connection at synchronous=FULL between batches, for every write outside them', async () => {
    const s = await fileStore('full.db', fdatasync);
    await Promise.all([s.store.commit(event('test.a')), s.store.commit(event('test.b'))]);
    expect(s.store.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(s.seen('test.a') + s.seen('test.b')).toBe(2);
    await s.close();
  });
});

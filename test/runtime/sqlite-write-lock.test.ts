// The in-place SQLite writer, on the thread that serves requests, waits for a write lock
// another connection holds (a CLI command beside the server) on a timer: the event loop
// keeps running meanwhile, and the batch commits once the lock is free. A lock held past
// the timeout fails the batch as 503 with nothing written (the writer thread, used on more
// than two cores, waits on its own thread and fails the same way). An erasure's WAL truncation
// waits for a reader elsewhere the same way. Real files, real connections.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { Unavailable } from '../../src/errors.ts';
import { migrateSqlite } from '../../src/runtime/store/sqlite/migrations.ts';
import { createSqliteStore, openSqlite, type SqliteWriter } from '../../src/runtime/store/sqlite/store.ts';
import { BUSY_TIMEOUT_MS, busyWaitOff, lockWaiter, WriteLockBusy } from '../../src/runtime/store/sqlite/write-lock.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-write-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function lockedStore(name: string, lockTimeoutMs?: number, writer: SqliteWriter = 'in-place') {
  const file = join(dir, name);
  const sqlite = openSqlite(file);
  await migrateSqlite(sqlite);
  const store = createSqliteStore(sqlite, fixedClock(), { writer, lockTimeoutMs });
  // Another process's connection, as `trove` commands open one beside the server.
  const other = new Database(file);
  other.prepare('BEGIN IMMEDIATE').run();
  const count = (action: string) => (other.prepare('SELECT count(*) AS n FROM audit_events WHERE action = ?').get(action) as { n: number }).n;
  return { store, other, count };
}

const event = (action: string) => ({ audit: [{ action, outcome: 'success' as const, actor_type: 'system' as const }] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** How often a 5-ms timer fired over `ms`: about ms / 5 on a free event loop, none on a blocked one. */
async function ticksOver(ms: number) {
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  await sleep(ms);
  clearInterval(ticker);
  return ticks;
}

describe('the in-place SQLite writer and a write lock held by another connection', () => {
  it('waits on a timer, so timers fire and reads are answered meanwhile, and commits once the lock is released', async () => {
    const { store, other, count } = await lockedStore('released.db');
    let settled = false;
    const committing = store.commit(event('test.after_lock')).finally(() => (settled = true));
    const ticks = await ticksOver(250);
    // Blocking in SQLite's busy handler, this thread would not have run a single tick.
    expect(ticks).toBeGreaterThan(10);
    expect(settled).toBe(false);
    // Between its tries the connection is as every other statement expects it: durable
    // commits, the busy timeout, no transaction left open.
    expect(store.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(store.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(store.sqlite.inTransaction).toBe(false);
    const read = await store.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(read.n)).toBe(0);
    other.prepare('COMMIT').run();
    const { events } = await committing;
    expect(events.map((e) => e.action)).toEqual(['test.after_lock']);
    expect(count('test.after_lock')).toBe(1);
    other.close();
    await store.close();
  });

  for (const [writer, timeoutMs] of [
    ['in-place', 150],
    ['thread', BUSY_TIMEOUT_MS],
  ] as const) {
    it(`fails the batch as 503 with nothing written when the lock is held past the timeout (${writer} writer), and commits the next batch once it is free`, async () => {
      const { store, other, count } = await lockedStore(`held-${writer}.db`, writer === 'in-place' ? timeoutMs : undefined, writer);
      const started = performance.now();
      const failed = await store.commit(event('test.refused')).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(Unavailable);
      expect((failed as Unavailable).status).toBe(503);
      expect(performance.now() - started).toBeGreaterThanOrEqual(timeoutMs - 10);
      other.prepare('COMMIT').run();
      expect(count('test.refused')).toBe(0);
      await store.commit(event('test.next'));
      expect(count('test.next')).toBe(1);
      // The chain went on from where it was: the refused batch took no sequence number.
      const seqs = other.prepare('SELECT seq FROM audit_events ORDER BY seq').pluck().all();
      expect(seqs).toEqual([1]);
      other.close();
      await store.close();
    }, 15_000);
  }

  it('truncates the WAL after an erasure once a reader elsewhere has left it, keeping the event loop running while it waits', async () => {
    const { store, other } = await lockedStore('scrub.db');
    other.prepare('COMMIT').run();
    await store.commit(event('test.before_scrub'));
    // A reader elsewhere (a CLI command's walk) holds a snapshot that uses the WAL.
    other.prepare('BEGIN').run();
    other.prepare('SELECT count(*) FROM audit_events').get();
    // A commit past the reader's snapshot: the WAL cannot be wholly copied while it reads,
    // whatever the checkpointer thread has done by now.
    await store.commit(event('test.past_snapshot'));
    let settled = false;
    const called = performance.now();
    const scrubbing = store.scrub(['attributes']).finally(() => (settled = true));
    // Its first try runs before scrub() returns: it must not have waited either (in
    // SQLite's busy handler it would have slept 5 s).
    expect(performance.now() - called).toBeLessThan(500);
    const ticks = await ticksOver(250);
    expect(ticks).toBeGreaterThan(10);
    expect(settled).toBe(false);
    other.prepare('COMMIT').run();
    await scrubbing;
    expect(statSync(join(dir, 'scrub.db-wal')).size).toBe(0);
    other.close();
    await store.close();
  });

  it('leaves the connection with the busy timeout it had for every other statement, whether the step succeeded or failed', async () => {
    const file = join(dir, 'timeout.db');
    const sqlite = openSqlite(file);
    sqlite.pragma('busy_timeout = 1234');
    const waiter = lockWaiter(busyWaitOff(sqlite), 20);
    const timeout = () => sqlite.pragma('busy_timeout', { simple: true });
    expect(timeout()).toBe(1234);
    for (let i = 0; i < 3; i++) {
      expect(await waiter(() => timeout())).toBe(0);
      expect(timeout()).toBe(1234);
    }
    const other = new Database(file);
    other.prepare('BEGIN IMMEDIATE').run();
    // Only WriteLockBusy (a batch's BEGIN, batch.ts) is tried again: any other error, a raw
    // SQLITE_BUSY included, is final at once.
    let rawTries = 0;
    await expect(
      waiter(() => {
        rawTries++;
        return sqlite.prepare('BEGIN IMMEDIATE').run();
      }),
    ).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(rawTries).toBe(1);
    let tries = 0;
    await expect(
      waiter(() => {
        tries++;
        throw new WriteLockBusy(new Error('held'));
      }),
    ).rejects.toBeInstanceOf(WriteLockBusy);
    expect(tries).toBeGreaterThan(2);
    expect(timeout()).toBe(1234);
    other.prepare('ROLLBACK').run();
    other.close();
    sqlite.close();
  });
});

// Group commit on one SQLite connection: a batch of changes in one IMMEDIATE transaction
// with one COMMIT (one fsync), where a failing change fails alone (see attempt below).
// Audit events are chained inside the transaction, after their change's guards and
// writes held, so the sequence stays gapless and the chain linear. Runs on the
// event-loop thread or in the writer thread.
import Database from 'better-sqlite3';
import type { AuditEventRow } from '../../../db/schema.ts';
import { SQLITE_CHAIN_HEAD } from '../../../db/compact-log.ts';
import { eventWriter } from './event-writer.ts';
import { BUSY_TIMEOUT_MS, isBusy, MAX_DELAY_MS, WriteLockBusy } from './write-lock.ts';
import { isGuardViolation } from '../../../db/store.ts';
import { GuardDoesNotHold } from '../../../errors.ts';
import type { AuditDraft } from '../../../db/audit-event.ts';
import { chainEvents, type ChainHead } from '../../../db/audit-chain.ts';

/** A change as plain data: S is how a statement is carried (SQL text, or an interned id). */
export type BatchChange<S> = { guards: { name: string; statement: S }[]; writes: S[]; audit: AuditDraft[] };
export type WireError = { guard?: string; name: string; message: string; code?: string };
export type Outcome = { ok: true; events: AuditEventRow[] } | { ok: false; error: WireError };

/**
 * The WAL length at which a committing connection checkpoints itself. The background
 * checkpointer has usually copied nearly every frame by then, so this pass is short and
 * lets the WAL start over; it is the backstop if the checkpointer falls behind.
 */
export const WAL_BACKSTOP_FRAMES = 4096;

/** How much of the database file a connection maps into memory for reading. */
export const MMAP_BYTES = 2 ** 30;
/** The page cache, in KiB as SQLite takes it (negative). */
export const CACHE_KIB = -2000;

/** Opens a connection the way every Trove connection runs: WAL, and fsync at every commit. */
export function openSqlite(filename: string): Database.Database {
  const sqlite = new Database(filename);
  // The busy timeout first: switching to WAL takes a lock, and a second connection (the
  // checkpointer thread, a CLI command next to the server) must wait for it, not fail.
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  toWal(sqlite);
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  // Deleted and overwritten content is zeroed in the page (and freed pages wholly), so an
  // erased consumer's wrapped key and ciphertexts do not linger in free space of the file.
  sqlite.pragma('secure_delete = ON');
  // Reads come from a memory map of the file (up to 1 GiB; beyond it, and for pages
  // still in the WAL, through the page cache): no system call and no copy per page. The
  // page cache is then kept small (2 MiB; better-sqlite3 builds SQLite with 16 MiB),
  // because a large one costs at every COMMIT: B-tree balancing briefly renumbers a page
  // to the lock page (page 262,145 at 4 KiB), the cache then believes it holds pages far
  // past the end of the file, and ending the write transaction scans its whole hash
  // table (measured: the README's performance section). SQLite's caveat: an I/O
  // error on a mapped page arrives as SIGBUS, not SQLITE_IOERR; the process stops, and
  // nothing it acknowledged is lost.
  sqlite.pragma(`mmap_size = ${MMAP_BYTES}`);
  sqlite.pragma(`cache_size = ${CACHE_KIB}`);
  return sqlite;
}

/**
 * Switches a connection to WAL. Two processes opening one new file at the same moment can
 * each hold a read lock while asking for the exclusive one the switch needs; SQLite then
 * answers one of them SQLITE_BUSY at once, without its busy handler (waiting could never
 * end). That one lets go of its lock and tries again after a short pause (the backoff of
 * write-lock.ts, slept here), for as long as the busy timeout would have waited
 * (measured: 71 of 400 such opens failed without this).
 */
function toWal(sqlite: Database.Database): void {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const started = performance.now();
  for (let delay = 1; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    try {
      sqlite.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if (!isBusy(error) || performance.now() - started >= BUSY_TIMEOUT_MS) throw error;
    }
    // Synchronous: a connection is opened before anything is served on it.
    Atomics.wait(pause, 0, 0, delay);
  }
}

export function toWireError(err: unknown): WireError {
  if (err instanceof GuardDoesNotHold) return { guard: err.guard, name: 'GuardFailed', message: err.message };
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  return { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) };
}

/** Statements prepared once per distinct SQL text (bounded: IN lists make some texts vary). */
export function statementCache(sqlite: Database.Database) {
  const cache = new Map<string, Database.Statement>();
  return (text: string) => {
    let stmt = cache.get(text);
    if (!stmt) {
      if (cache.size >= 1000) cache.delete(cache.keys().next().value!);
      stmt = sqlite.prepare(text);
      cache.set(text, stmt);
    }
    return stmt;
  };
}

/** Returns apply(batch, ts): each change's outcome, or throws if the transaction itself failed. */
export function batchApplier<S>(sqlite: Database.Database, run: (statement: S) => { changes: number }) {
  const head = sqlite.prepare(SQLITE_CHAIN_HEAD);
  const events = eventWriter(sqlite, statementCache(sqlite));
  const savepoint = sqlite.prepare('SAVEPOINT change');
  const release = sqlite.prepare('RELEASE change');
  const rollbackTo = sqlite.prepare('ROLLBACK TO change');
  const begin = sqlite.prepare('BEGIN IMMEDIATE');
  const commit = sqlite.prepare('COMMIT');
  const rollback = sqlite.prepare('ROLLBACK');

  // Guards run first and mostly change nothing, so a failing guard usually leaves its
  // change without effects: the batch goes on without savepoints. Any other failure, or a
  // guard failing after one of its change's guards wrote (a `changes` guard's UPDATE), may
  // leave a change half-applied: the batch is then rolled back and replayed with one
  // savepoint per change, so that change fails alone. The chain head is kept in memory
  // (the IMMEDIATE transaction holds the write lock) and follows every rollback.
  let chainHead: ChainHead | undefined;
  const applyOne = (change: BatchChange<S>, ts: number): AuditEventRow[] => {
    let wrote = false;
    for (const guard of change.guards) {
      try {
        wrote = run(guard.statement).changes > 0 || wrote;
      } catch (err) {
        if (isGuardViolation(err)) throw new GuardDoesNotHold(guard.name, wrote);
        throw err;
      }
    }
    for (const w of change.writes) run(w);
    if (!change.audit.length) return [];
    const chained = chainEvents(chainHead, change.audit, ts);
    for (const e of chained) events.insert(e);
    const last = chained[chained.length - 1]!;
    chainHead = { seq: last.seq, hash: last.hash };
    return chained;
  };

  // A BEGIN that found the lock taken is told apart from every other failure: only it may
  // be tried again whole (write-lock.ts), since nothing of the batch ran.
  const beginImmediate = () => {
    try {
      begin.run();
    } catch (error) {
      throw isBusy(error) ? new WriteLockBusy(error) : error;
    }
  };

  const attempt = (batch: readonly BatchChange<S>[], ts: number, isolate: boolean): Outcome[] | null => {
    const outcomes: Outcome[] = [];
    beginImmediate();
    chainHead = head.get() as ChainHead | undefined;
    for (const change of batch) {
      const before = chainHead;
      if (isolate) savepoint.run();
      try {
        outcomes.push({ ok: true, events: applyOne(change, ts) });
        if (isolate) release.run();
      } catch (error) {
        chainHead = before;
        if (isolate) {
          rollbackTo.run();
          release.run();
          events.rolledBack();
        } else if (!(error instanceof GuardDoesNotHold) || error.dirty) {
          rollback.run();
          events.rolledBack();
          return null;
        }
        outcomes.push({ ok: false, error: toWireError(error) });
      }
    }
    commit.run();
    events.committed();
    return outcomes;
  };

  return (batch: readonly BatchChange<S>[], ts: number): Outcome[] => {
    try {
      return attempt(batch, ts, false) ?? attempt(batch, ts, true)!;
    } catch (error) {
      if (sqlite.inTransaction) rollback.run();
      events.rolledBack();
      throw error;
    }
  };
}

// Waiting for SQLite's write lock without stopping the event loop. The in-place writer's
// connection lives on the thread that serves requests, and a busy timeout makes SQLite
// sleep inside BEGIN IMMEDIATE while another connection (a CLI command beside the server,
// a second process) holds the lock: every request, health checks and pages that write
// nothing included, would stop with it. So the batch asks without waiting, and while the
// lock is held elsewhere it waits on a timer, with backoff, for as long as the busy
// timeout would have; then it fails with SQLITE_BUSY as before. Only a batch whose BEGIN
// found the lock taken (WriteLockBusy, batch.ts) is tried again: it was rolled back whole,
// so trying again repeats nothing; any other error, busy or not, is final. An erasure's WAL
// truncation, which waits for readers, runs without the busy wait too (store.ts, scrub).
import type Database from 'better-sqlite3';

/** How long a connection waits for a lock another connection holds (set at open, batch.ts). */
export const BUSY_TIMEOUT_MS = 5000;
/** The longest pause between two tries for a lock (the pauses double from 1 ms up to it). */
export const MAX_DELAY_MS = 25;

export const isBusy = (err: unknown) => String((err as { code?: unknown })?.code ?? '').startsWith('SQLITE_BUSY');

/** BEGIN IMMEDIATE found the write lock held by another connection: nothing was applied. */
export class WriteLockBusy extends Error {
  readonly code = 'SQLITE_BUSY';
  constructor(cause: unknown) {
    super('the database is locked by another connection', { cause });
    this.name = 'WriteLockBusy';
  }
}

/** A batch's BEGIN IMMEDIATE found the write lock taken: by class, or by name as the writer thread's errors arrive. */
export const isLockTaken = (err: unknown) => err instanceof WriteLockBusy || (err as { name?: unknown })?.name === 'WriteLockBusy';

export type NoBusyWait = <T>(step: () => T) => T;

/**
 * Returns noBusyWait(step): runs the synchronous `step` with no busy wait inside SQLite;
 * every other statement on the connection keeps the busy timeout it had.
 */
export function busyWaitOff(sqlite: Database.Database): NoBusyWait {
  // SQLite applies a pragma when its statement is compiled, and recompiles a pragma
  // statement at each run after its first: run once here, each one then applies its
  // value at every call (a prepared pair costs 8 µs a batch; sqlite.pragma() twice, 54).
  const own = sqlite.pragma('busy_timeout', { simple: true }) as number;
  const off = sqlite.prepare('PRAGMA busy_timeout = 0');
  const on = sqlite.prepare(`PRAGMA busy_timeout = ${Math.trunc(own)}`);
  off.get();
  on.get();
  return function noBusyWait<T>(step: () => T): T {
    off.get();
    try {
      return step();
    } finally {
      on.get();
    }
  };
}

/**
 * Returns withoutBlocking(step): runs the synchronous `step` (which begins, and ends, its
 * own transaction) with no busy wait inside SQLite; while it throws WriteLockBusy, runs it
 * again after a timer, until `timeoutMs` have passed.
 */
export function lockWaiter(noBusyWait: NoBusyWait, timeoutMs = BUSY_TIMEOUT_MS) {
  return async function withoutBlocking<T>(step: () => T): Promise<T> {
    const started = performance.now();
    for (let delay = 1; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
      try {
        return noBusyWait(step);
      } catch (err) {
        if (!(err instanceof WriteLockBusy) || performance.now() - started >= timeoutMs) throw err;
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  };
}

// Waiting for SQLite's write lock without stopping the event loop. The in-place writer's
// connection lives on the thread that serves requests, and a busy timeout makes SQLite
// sleep inside BEGIN IMMEDIATE while another connection (a CLI command beside the server,
// a second process) holds the lock: every request, health checks and pages that write
// nothing included, would stop with it. So the batch asks without waiting, and while the
// lock is held elsewhere it waits on a timer, with backoff, for as long as the busy
// timeout would have; then it fails with SQLITE_BUSY as before. A batch that fails busy
// was rolled back whole (batch.ts), so trying it again repeats nothing. An erasure's WAL
// truncation, which waits for readers, runs without the busy wait too (store.ts, scrub).
import type Database from 'better-sqlite3';

/** How long a connection waits for a lock another connection holds (set at open, batch.ts). */
export const BUSY_TIMEOUT_MS = 5000;
const MAX_DELAY_MS = 25;

export const isBusy = (err: unknown) => String((err as { code?: unknown })?.code ?? '').startsWith('SQLITE_BUSY');

// Not a prepared statement: SQLite applies this pragma when the statement is compiled, so
// a prepared copy's first run would leave the timeout as the last compile set it. A fresh
// compile is a few microseconds, twice a batch.
/** Runs the synchronous `step` with no busy wait inside SQLite; every other statement on the connection keeps it. */
export function noBusyWait<T>(sqlite: Database.Database, step: () => T): T {
  sqlite.pragma('busy_timeout = 0');
  try {
    return step();
  } finally {
    sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/**
 * Returns withoutBlocking(step): runs the synchronous `step` (which begins, and ends, its
 * own transaction) with no busy wait inside SQLite; while it fails busy, runs it again
 * after a timer, until `timeoutMs` have passed.
 */
export function lockWaiter(sqlite: Database.Database, timeoutMs = BUSY_TIMEOUT_MS) {
  return async function withoutBlocking<T>(step: () => T): Promise<T> {
    const started = performance.now();
    for (let delay = 1; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
      try {
        return noBusyWait(sqlite, step);
      } catch (err) {
        if (!isBusy(err) || performance.now() - started >= timeoutMs) throw err;
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  };
}

// Reads of one turn of the event loop share one read transaction on the store's
// connection. In WAL mode each transaction takes and drops its read locks (a few system
// calls: about 10 µs of a read here, a fifth of its SQL), and under load one turn serves
// several reads (16 on average in the bench). Rules:
// - the shared transaction is only ever read from, and only by store.readAll;
// - it ends when the turn does (setImmediate), and before anything else uses the
//   connection: a write (the writer ends it before BEGIN IMMEDIATE), any Kysely statement,
//   the erasure's checkpoint, direct use of the handle, closing it;
// - it ends whenever a batch has committed, before the batch's callers are answered, so
//   what a caller reads after its commit includes it (the writer thread commits on
//   another connection, which a transaction begun earlier in the turn would not see).
// A read therefore sees the database as of its turn's first read: its own process's commits
// at once, another process's from the next turn, and anything decided on it is checked
// again at commit by the change's guards.
import type Database from 'better-sqlite3';

export type TurnSnapshot = {
  /** Runs synchronous reads in this turn's read transaction, beginning it if none is open. */
  read<T>(reads: () => T): T;
  /** Ends the shared read transaction now, if one is open. */
  end(): void;
};

export function turnSnapshot(sqlite: Database.Database): TurnSnapshot {
  const begin = sqlite.prepare('BEGIN');
  const commit = sqlite.prepare('COMMIT');
  let open = false;
  const end = () => {
    if (!open) return;
    open = false;
    if (sqlite.open && sqlite.inTransaction) commit.run();
  };
  return {
    read(reads) {
      // Inside a transaction already (the shared one, or a caller's own): read in it.
      if (!sqlite.inTransaction) {
        begin.run();
        open = true;
        setImmediate(end);
      }
      return reads();
    },
    end,
  };
}

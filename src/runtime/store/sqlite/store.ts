// The store on embedded SQLite (better-sqlite3): WAL and group commit — changes queued
// while the previous batch is being written and flushed (or within one turn of the event
// loop) share one IMMEDIATE transaction and one flush to disk, each in its own savepoint
// (batch.ts). Every caller is answered only after its COMMIT's WAL frames are on disk.
// A file database is checkpointed by a background thread, so commits never wait for
// checkpoint I/O; it is written either in place on this connection, its WAL flushed on
// libuv's thread pool (wal-sync.ts) so the event loop keeps serving meanwhile, or, where
// the machine has cores to spare, by a writer thread with its own connection
// (writer-client.ts). On two cores the thread gains nothing: the hand-off, and this
// connection's page cache, which SQLite drops whenever another connection has committed,
// so every read rebuilds its pages (the figures are in the README's performance section)
// — so in place is the default there. Reads go through Kysely on this connection; the
// hot path's readAll calls of one turn share one read transaction (turn-snapshot.ts).
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import type { Clock } from '../../../clock.ts';
import { guardStatements } from '../../../db/guard.ts';
import type { Database as Schema } from '../../../db/schema.ts';
import type { Change, Committed, Store } from '../../../db/store.ts';
import { Unavailable } from '../../../errors.ts';
import { batchApplier, statementCache, WAL_BACKSTOP_FRAMES } from './batch.ts';
import { fromWireError, startCheckpointer, threadWriter, type StoreChange, type Writer } from './writer-client.ts';
import type { SqlStatement } from './writer-protocol.ts';
import { turnSnapshot } from './turn-snapshot.ts';
import { walSyncer, type SyncFile } from './wal-sync.ts';
import { busyWaitOff, isLockTaken, lockWaiter, type NoBusyWait } from './write-lock.ts';

export { openSqlite } from './batch.ts';

export type SqliteStore = Store & { readonly sqlite: Database.Database };
export type SqliteWriter = 'in-place' | 'thread';

/** How long an erasure waits for readers to leave the WAL it must truncate. */
const SCRUB_TIMEOUT_MS = 10_000;

/**
 * Writes in place on this connection; on a file the WAL is flushed off the event loop
 * (wal-sync.ts) before a batch is answered, with synchronous=NORMAL only for the batch's
 * own transaction, so any other write on this connection keeps FULL.
 */
function inPlaceWriter(
  sqlite: Database.Database,
  prepare: (sql: string) => Database.Statement,
  noBusyWait: NoBusyWait,
  opts: { syncFile?: SyncFile; lockTimeoutMs?: number; beforeWrite: () => void },
): Writer {
  const apply = batchApplier<SqlStatement>(sqlite, (s) => prepare(s.sql).run(...(s.parameters as unknown[])));
  // Each attempt first ends the turn's shared read transaction (turn-snapshot.ts): nothing
  // of a write may run inside it, the synchronous pragmas included.
  if (sqlite.memory || sqlite.readonly) {
    return {
      apply: async (batch, ts) => {
        opts.beforeWrite();
        return apply(batch, ts);
      },
      close: async () => {},
    };
  }
  sqlite.pragma(`wal_autocheckpoint = ${WAL_BACKSTOP_FRAMES}`);
  const checkpointer = startCheckpointer(sqlite.name);
  const wal = walSyncer(sqlite.name, opts.syncFile);
  const normal = sqlite.prepare('PRAGMA synchronous = NORMAL');
  const full = sqlite.prepare('PRAGMA synchronous = FULL');
  // A pragma is applied when its statement is compiled, and recompiled at each run after
  // the first: run once here, so the first batch too runs at NORMAL (write-lock.ts).
  normal.run();
  full.run();
  // A lock held by another connection is waited for on a timer, not on this thread (write-lock.ts).
  const withoutBlocking = lockWaiter(noBusyWait, opts.lockTimeoutMs);
  return {
    async apply(batch, ts) {
      const outcomes = await withoutBlocking(() => {
        opts.beforeWrite();
        const failed = wal.failure();
        if (failed) throw failed;
        normal.run();
        try {
          return apply(batch, ts);
        } finally {
          full.run();
        }
      });
      await wal.sync();
      return outcomes;
    },
    failure: () => wal.failure(),
    async close() {
      await checkpointer.close();
      wal.close();
    },
  };
}

/** onBatch: each group commit's size and the seconds its transaction took, COMMIT (fsync) included (for /metrics). */
export function createSqliteStore(
  sqlite: Database.Database,
  clock: Clock,
  opts: { writer?: SqliteWriter; onBatch?: (size: number, seconds: number) => void; syncFile?: SyncFile; lockTimeoutMs?: number } = {},
): SqliteStore {
  // Statements are prepared once per distinct SQL text, for Kysely's reads and for
  // in-place commits alike.
  const prepare = statementCache(sqlite);
  // Reads of one turn share a read transaction, which nothing else may run inside (turn-snapshot.ts).
  const snapshot = turnSnapshot(sqlite);
  const cachedDatabase = {
    prepare: (sql: string) => {
      snapshot.end();
      return prepare(sql);
    },
    close: () => sqlite.close(),
  };
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: cachedDatabase as unknown as Database.Database }) });
  const onFile = !sqlite.memory && !sqlite.readonly;
  const choice = opts.writer ?? (availableParallelism() > 2 ? 'thread' : 'in-place');
  // Busy waits switched off around the in-place writer's BEGIN and the erasure's checkpoint.
  const noBusyWait = busyWaitOff(sqlite);
  const writer = onFile && choice === 'thread' ? threadWriter(sqlite.name) : inPlaceWriter(sqlite, prepare, noBusyWait, { ...opts, beforeWrite: snapshot.end });

  const statement = (q: CompiledQuery): SqlStatement => ({ sql: q.sql, parameters: q.parameters });
  const toWire = (change: Change): StoreChange => ({
    guards: (change.guards ?? []).flatMap((g) => guardStatements(db, 'sqlite', g).map((q) => ({ name: g.name, statement: statement(q.compile()) }))),
    writes: (change.writes ?? []).map((w) => statement(w.compile())),
    audit: change.audit ?? [],
  });

  // Group commit: one batch in flight at a time; what arrives meanwhile goes in the next.
  type Pending = { change: StoreChange; resolve(c: Committed): void; reject(e: unknown): void };
  let queue: Pending[] = [];
  let flushing: Promise<void> | null = null;
  let scheduled = false;
  const flush = async () => {
    while (queue.length) {
      const batch = queue;
      queue = [];
      try {
        const began = performance.now();
        const outcomes = await writer.apply(
          batch.map((p) => p.change),
          clock.now(),
        );
        opts.onBatch?.(batch.length, (performance.now() - began) / 1000);
        snapshot.end();
        batch.forEach((p, i) => {
          const o = outcomes[i]!;
          if (o.ok) p.resolve({ events: o.events });
          else p.reject(fromWireError(o.error));
        });
      } catch (error) {
        // Either writer: the lock stayed with another connection past the busy timeout,
        // and the batch was rolled back whole.
        const refused = isLockTaken(error)
          ? new Unavailable("Another process held the database's write lock for too long; nothing was written. Retry.")
          : error;
        for (const p of batch) p.reject(refused);
      }
    }
  };
  const start = () => {
    scheduled = false;
    if (flushing) return;
    flushing = flush().finally(() => {
      flushing = null;
      // A caller answered by the last batch may have queued a change before this ran.
      if (queue.length) start();
    });
  };

  return {
    dialect: 'sqlite',
    db,
    get sqlite() {
      snapshot.end();
      return sqlite;
    },
    commit(change) {
      return new Promise<Committed>((resolve, reject) => {
        try {
          queue.push({ change: toWire(change), resolve, reject });
        } catch (error) {
          reject(error);
          return;
        }
        // While a batch is in flight, the loop in flush picks this up next.
        if (!flushing && !scheduled) {
          scheduled = true;
          setImmediate(start);
        }
      });
    },
    async readAll(queries) {
      // Synchronous on this connection: no executor, no promise per statement. Every read
      // of this turn shares one read transaction: one set of WAL locks instead of one per
      // statement or per call (turn-snapshot.ts), and one snapshot for the statements of a call.
      return snapshot.read(() =>
        queries.map((q) => {
          const c = q.compile();
          return prepare(c.sql).all(...(c.parameters as unknown[]));
        }),
      ) as never;
    },
    writeFailure: () => writer.failure?.()?.message ?? null,
    async scrub() {
      // Deleted rows are zeroed in the database file (secure_delete, set at open), but the
      // WAL still holds the pages as they were: checkpoint every frame into the file and
      // truncate the WAL to nothing before the caller answers.
      // A reader elsewhere (the checkpointer thread, a CLI command's walk) makes it wait:
      // on a timer, not in SQLite's busy handler on this thread (write-lock.ts).
      if (sqlite.memory || sqlite.readonly) return;
      const started = performance.now();
      for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
        const [r] = noBusyWait(() => {
          snapshot.end();
          return sqlite.pragma('wal_checkpoint(TRUNCATE)');
        }) as { busy: number; log: number; checkpointed: number }[];
        if (r && r.busy === 0 && r.log === 0) return;
        if (performance.now() - started > SCRUB_TIMEOUT_MS) throw new Error('the WAL could not be truncated after an erasure: a reader holds it');
        await new Promise((res) => setTimeout(res, delay));
      }
    },
    async close() {
      // What was accepted is committed before the file closes.
      while (queue.length || flushing || scheduled) {
        if (!flushing) start();
        await flushing;
      }
      await writer.close();
      snapshot.end();
      sqlite.close();
    },
  };
}

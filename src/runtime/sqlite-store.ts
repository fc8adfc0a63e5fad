// The store on embedded SQLite (better-sqlite3): WAL, synchronous=FULL, and group
// commit — changes queued while the previous batch is being written (or within one turn
// of the event loop) share one IMMEDIATE transaction and one fsync, each in its own
// savepoint (sqlite-batch.ts). A file database is written by a writer thread with its
// own connection (sqlite-writer.ts), so the fsync never blocks the event loop; an
// in-memory one, which a thread cannot share, is written in place. Every caller is
// answered only after COMMIT returned. Reads go through Kysely on this connection.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import type { Clock } from '../clock.ts';
import { guardStatement } from '../db/guard.ts';
import type { Database as Schema } from '../db/schema.ts';
import type { Change, Committed, Store } from '../db/store.ts';
import { GuardFailed } from '../errors.ts';
import { batchApplier, statementCache, toWireError, type BatchChange, type Outcome, type WireError } from './sqlite-batch.ts';
import { batchEncoder, type SqlStatement, type WriterReply } from './sqlite-writer-protocol.ts';

export { openSqlite } from './sqlite-batch.ts';

export type SqliteStore = Store & { readonly sqlite: Database.Database };

type Change_ = BatchChange<SqlStatement>;
type Writer = { apply(batch: Change_[], ts: number): Promise<Outcome[]>; close(): Promise<void> };

function fromWireError(e: WireError): Error {
  // A GuardFailed again, and a driver error with its name, message and code.
  if (e.guard !== undefined) return new GuardFailed(e.guard);
  const err = Object.assign(new Error(e.message), e.code ? { code: e.code } : {});
  err.name = e.name;
  return err;
}

/** Writes in place, synchronously, on this connection. */
function inPlaceWriter(sqlite: Database.Database, prepare: (sql: string) => Database.Statement): Writer {
  const apply = batchApplier<SqlStatement>(sqlite, (s) => prepare(s.sql).run(...(s.parameters as unknown[])));
  return { apply: async (batch, ts) => apply(batch, ts), close: async () => {} };
}

/** Writes on a thread of its own; holds the process open only while a batch is in flight. */
function threadWriter(filename: string): Writer {
  const encoder = batchEncoder();
  let worker: Worker | null = null;
  let pending: { resolve(o: Outcome[]): void; reject(e: unknown): void } | null = null;
  const settle = (fn: (p: NonNullable<typeof pending>) => void) => {
    const p = pending;
    pending = null;
    worker?.unref();
    if (p) fn(p);
  };
  const start = () => {
    const w = new Worker(new URL('./sqlite-writer.ts', import.meta.url), { workerData: { filename } });
    encoder.reset(); // a new thread knows no statement texts yet
    w.on('message', (text: string) => {
      const m = JSON.parse(text) as WriterReply;
      settle((p) => ('error' in m ? p.reject(fromWireError(m.error)) : p.resolve(m.outcomes)));
    });
    w.on('error', (err) => settle((p) => p.reject(err)));
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      settle((p) => p.reject(new Error(`the SQLite writer thread exited (${code})`)));
    });
    w.unref();
    return w;
  };
  worker = start();
  return {
    apply(batch, ts) {
      const { text, sent, refused } = encoder.encode(batch, ts);
      const all = (outcomes: Outcome[]) => batch.map((_, i): Outcome => {
        const at = sent.indexOf(i);
        return at >= 0 ? outcomes[at]! : { ok: false, error: toWireError(refused.get(i)) };
      });
      if (!sent.length) return Promise.resolve(all([]));
      worker ??= start();
      const w = worker;
      w.ref();
      return new Promise((resolve, reject) => {
        pending = { resolve: (o) => resolve(refused.size ? all(o) : o), reject };
        w.postMessage(text);
      });
    },
    async close() {
      const w = worker;
      worker = null;
      if (!w) return;
      const exited = once(w, 'exit');
      w.ref();
      w.postMessage({ close: true });
      await exited;
    },
  };
}

export function createSqliteStore(sqlite: Database.Database, clock: Clock): SqliteStore {
  // Statements are prepared once per distinct SQL text, for Kysely's reads and for
  // in-place commits alike.
  const prepare = statementCache(sqlite);
  const cachedDatabase = { prepare, close: () => sqlite.close() };
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: cachedDatabase as unknown as Database.Database }) });
  const writer = sqlite.memory || sqlite.readonly ? inPlaceWriter(sqlite, prepare) : threadWriter(sqlite.name);

  const statement = (q: CompiledQuery): SqlStatement => ({ sql: q.sql, parameters: q.parameters });
  const toWire = (change: Change): Change_ => ({
    guards: (change.guards ?? []).map((g) => ({ name: g.name, statement: statement(guardStatement(db, g).compile()) })),
    writes: (change.writes ?? []).map((w) => statement(w.compile())),
    audit: change.audit ?? [],
  });

  // Group commit: one batch in flight at a time; what arrives meanwhile goes in the next.
  type Pending = { change: Change_; resolve(c: Committed): void; reject(e: unknown): void };
  let queue: Pending[] = [];
  let flushing: Promise<void> | null = null;
  let scheduled = false;
  const flush = async () => {
    while (queue.length) {
      const batch = queue;
      queue = [];
      try {
        const outcomes = await writer.apply(batch.map((p) => p.change), clock.now());
        batch.forEach((p, i) => {
          const o = outcomes[i]!;
          if (o.ok) p.resolve({ events: o.events });
          else p.reject(fromWireError(o.error));
        });
      } catch (error) {
        for (const p of batch) p.reject(error);
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
    sqlite,
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
    async close() {
      // What was accepted is committed before the file closes.
      while (queue.length || flushing || scheduled) {
        if (!flushing) start();
        await flushing;
      }
      await writer.close();
      sqlite.close();
    },
  };
}

// The store on embedded SQLite (better-sqlite3): WAL, synchronous=FULL, and group
// commit — the changes queued in one turn of the event loop are applied in one
// synchronous IMMEDIATE transaction (each in its own savepoint) with one fsync, so
// nothing else can interleave. Reads go through Kysely on the same connection.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type Compilable, type CompiledQuery } from 'kysely';
import { GuardFailed } from '../errors.ts';
import type { Clock } from '../clock.ts';
import { newId } from '../crypto/random.ts';
import { guardStatement } from '../db/guard.ts';
import type { Database as Schema } from '../db/schema.ts';
import { isGuardViolation, type Change, type Committed, type Store } from '../db/store.ts';
import { chainEvents, type ChainHead } from '../features/audit/chain.ts';

export type SqliteStore = Store & { readonly sqlite: Database.Database };

export function openSqlite(filename: string): Database.Database {
  const sqlite = new Database(filename);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return sqlite;
}

export function createSqliteStore(sqlite: Database.Database, clock: Clock): SqliteStore {
  // Statements are prepared once per distinct SQL text, for Kysely's reads and for
  // commits alike; a bounded map, because IN lists make some texts vary.
  const prepared = new Map<string, Database.Statement>();
  const prepareSql = (text: string) => {
    let stmt = prepared.get(text);
    if (!stmt) {
      if (prepared.size >= 1000) prepared.delete(prepared.keys().next().value!);
      stmt = sqlite.prepare(text);
      prepared.set(text, stmt);
    }
    return stmt;
  };
  const cachedDatabase = { prepare: prepareSql, close: () => sqlite.close() };
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: cachedDatabase as unknown as Database.Database }) });
  const prepare = (q: CompiledQuery) => prepareSql(q.sql);
  const run = (q: CompiledQuery) => prepare(q).run(...(q.parameters as unknown[]));
  const headStmt = sqlite.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');

  // One change inside the open transaction, fenced by a savepoint so a failing change
  // (a guard that no longer holds) rolls back alone and its neighbours still commit.
  const savepoint = sqlite.prepare('SAVEPOINT change');
  const release = sqlite.prepare('RELEASE change');
  const rollbackTo = sqlite.prepare('ROLLBACK TO change');
  const begin = sqlite.prepare('BEGIN IMMEDIATE');
  const commitTx = sqlite.prepare('COMMIT');
  const rollbackTx = sqlite.prepare('ROLLBACK');

  const applyOne = (change: Change): Committed => {
    for (const guard of change.guards ?? []) {
      try {
        run(guardStatement(db, guard).compile());
      } catch (err) {
        if (isGuardViolation(err)) throw new GuardFailed(guard.name);
        throw err;
      }
    }
    for (const w of change.writes ?? []) run((w as Compilable).compile());
    if (!change.audit?.length) return { events: [] };
    const head = headStmt.get() as ChainHead | undefined;
    const events = chainEvents(head, change.audit, clock.now(), newId);
    for (const e of events) run(db.insertInto('audit_events').values(e).compile());
    return { events };
  };

  // Group commit: changes that arrive while the event loop is busy share one
  // transaction and one fsync. Every caller is answered only after COMMIT returns, so
  // nothing is acknowledged (and no read answered) before its audit event is durable.
  type Pending = { change: Change; resolve(c: Committed): void; reject(e: unknown): void };
  let queue: Pending[] = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const batch = queue;
    queue = [];
    const outcomes: ({ ok: true; value: Committed } | { ok: false; error: unknown })[] = [];
    try {
      begin.run();
      for (const p of batch) {
        savepoint.run();
        try {
          outcomes.push({ ok: true, value: applyOne(p.change) });
          release.run();
        } catch (error) {
          rollbackTo.run();
          release.run();
          outcomes.push({ ok: false, error });
        }
      }
      commitTx.run();
    } catch (error) {
      if (sqlite.inTransaction) rollbackTx.run();
      for (const p of batch) p.reject(error);
      return;
    }
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  };

  return {
    dialect: 'sqlite',
    db,
    sqlite,
    commit(change) {
      return new Promise<Committed>((resolve, reject) => {
        queue.push({ change, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    async close() {
      if (queue.length) flush(); // what was accepted is committed before the file closes
      sqlite.close();
    },
  };
}

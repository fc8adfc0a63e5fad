// The store on embedded SQLite (better-sqlite3): WAL, synchronous=FULL, and commit as
// one synchronous IMMEDIATE transaction, so nothing else on the event loop can
// interleave with it. Reads go through Kysely on the same connection.
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
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: sqlite }) });
  const prepared = new Map<string, Database.Statement>();
  const prepare = (q: CompiledQuery) => {
    let stmt = prepared.get(q.sql);
    if (!stmt) {
      stmt = sqlite.prepare(q.sql);
      prepared.set(q.sql, stmt);
    }
    return stmt;
  };
  const run = (q: CompiledQuery) => prepare(q).run(...(q.parameters as unknown[]));
  const headStmt = sqlite.prepare('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1');

  const apply = sqlite.transaction((change: Change): Committed => {
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
  });

  return {
    dialect: 'sqlite',
    db,
    sqlite,
    async commit(change) {
      return apply.immediate(change);
    },
    async close() {
      sqlite.close();
    },
  };
}

// The store on PostgreSQL (pg pool + Kysely). Commits are grouped: the changes that
// queue up while a transaction is being written go into the next one together, sent in
// two round trips of prepared statements (pipeline.ts). Audit appends take a
// transaction-scoped advisory lock so the sequence stays gapless and the hash chain
// linear across processes. Reads arriving together share one block too
// (read-group.ts). int8 comes back as number.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { Kysely, PostgresDialect, type Compilable, type CompiledQuery } from 'kysely';
import type { Clock } from '../../../clock.ts';
import { guardStatements } from '../../../db/guard.ts';
import { MIGRATIONS_TABLE_SQL, migrate, type MigrationFile } from '../../../db/migrate.ts';
import type { Database as Schema } from '../../../db/schema.ts';
import { PG_INSERT_EVENTS, pgEventParameters } from '../../../db/compact-log.ts';
import { isGuardViolation, type Change, type Committed, type Store } from '../../../db/store.ts';
import { GuardFailed } from '../../../errors.ts';
import { chainEvents, type ChainHead } from '../../../db/audit-chain.ts';
import { readMigrationFiles } from '../migration-files.ts';
import { anyStale, pipeline, rowsOrThrow, type Statement } from './pipeline.ts';
import { groupedReads } from './read-group.ts';

const AUDIT_LOCK = 0x7472_6f76; // "trov"
const INT8 = 20;
const LOCK_CHAIN: Statement = { sql: 'SELECT pg_advisory_xact_lock($1)', parameters: [AUDIT_LOCK] };
const CHAIN_HEAD: Statement = { sql: "SELECT seq, encode(hash, 'hex') AS hash FROM audit_log ORDER BY seq DESC LIMIT 1", parameters: [] };
const BEGIN_AUDITED: Statement[] = [{ sql: 'BEGIN', parameters: [] }, LOCK_CHAIN, CHAIN_HEAD];

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export type PostgresStore = Store & { readonly pool: pg.Pool };

/**
 * A pool of connections. A connection that breaks (the server restarted, a
 * network cut) is reported to `onError` and replaced; the queries on it fail on their own.
 * Without these listeners an 'error' event from a broken connection would end the process.
 */
export function createPool(url: string, opts: { schema?: string; max?: number; onError?: (err: Error) => void } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    types,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  const onError = opts.onError ?? (() => {});
  pool.on('error', onError);
  pool.on('connect', (client) => client.on('error', onError));
  return pool;
}

/** Thrown when the server may have run a batch's statements, COMMIT among them, without
 *  the client hearing back (a lost connection, a client-side timeout): the batch must not
 *  be replayed (it could apply twice); its callers get this error. */
class CommitInDoubt extends Error {
  override name = 'CommitInDoubt';
}

/** onBatch: each group commit's size and the seconds its transaction took, COMMIT included (for /metrics). */
export function createPostgresStore(pool: pg.Pool, clock: Clock, opts: { onBatch?: (size: number, seconds: number) => void } = {}): PostgresStore {
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  const run = (client: pg.PoolClient, q: CompiledQuery) => client.query(q.sql, q.parameters as unknown[]);

  type Pending = { change: Change; resolve(c: Committed): void; reject(e: unknown): void };
  type Outcome = { ok: true; value: Committed } | { ok: false; error: unknown };

  // Held to COMMIT: other Trove processes on this database append after us.
  async function lockChain(client: pg.PoolClient, chain: { head?: ChainHead; locked: boolean }) {
    await client.query(LOCK_CHAIN.sql, LOCK_CHAIN.parameters as unknown[]);
    chain.head = (await client.query<ChainHead>(CHAIN_HEAD.sql)).rows[0];
    chain.locked = true;
  }

  async function applyOne(client: pg.PoolClient, change: Change, chain: { head?: ChainHead; locked: boolean }): Promise<Committed> {
    for (const guard of change.guards ?? []) {
      for (const statement of guardStatements(db, 'postgres', guard)) {
        try {
          await run(client, statement.compile());
        } catch (err) {
          if (isGuardViolation(err)) throw new GuardFailed(guard.name);
          throw err;
        }
      }
    }
    for (const w of change.writes ?? []) await run(client, (w as Compilable).compile());
    if (!change.audit?.length) return { events: [] };
    if (!chain.locked) await lockChain(client, chain);
    const events = chainEvents(chain.head, change.audit, clock.now());
    await client.query(PG_INSERT_EVENTS, pgEventParameters(events));
    const last = events[events.length - 1]!;
    chain.head = { seq: last.seq, hash: last.hash };
    return { events };
  }

  /** The batch again, one savepoint per change, so each can fail alone and the rest commit. */
  async function attemptIsolated(client: pg.PoolClient, batch: Pending[]): Promise<Outcome[]> {
    await client.query('BEGIN');
    try {
      const chain: { head?: ChainHead; locked: boolean } = { locked: false };
      // The audit lock before any guard, as in the pipelined path: a change committed (and
      // answered) by another process before this batch is then visible to its guards.
      if (batch.some((p) => p.change.audit?.length)) await lockChain(client, chain);
      const outcomes: Outcome[] = [];
      for (const p of batch) {
        const before = chain.head;
        await client.query('SAVEPOINT change');
        try {
          outcomes.push({ ok: true, value: await applyOne(client, p.change, chain) });
          await client.query('RELEASE SAVEPOINT change');
        } catch (error) {
          await client.query('ROLLBACK TO SAVEPOINT change');
          chain.head = before;
          outcomes.push({ ok: false, error });
        }
      }
      await client.query('COMMIT');
      return outcomes;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  /**
   * The whole batch in two round trips of prepared statements: BEGIN with the audit lock
   * and head, then every guard and write, the chained audit events and COMMIT. Throws
   * (after ROLLBACK) when any statement fails, e.g. a guard.
   */
  async function attemptPipelined(client: pg.PoolClient, batch: Pending[], seen: { drop: boolean }): Promise<Outcome[]> {
    const audited = batch.some((p) => p.change.audit?.length);
    try {
      const begun = await pipeline(client, audited ? BEGIN_AUDITED : BEGIN_AUDITED.slice(0, 1), { types });
      seen.drop ||= anyStale(begun) || begun.unknown === true;
      const opened = rowsOrThrow(begun);
      let head = audited ? (opened[2]![0] as ChainHead | undefined) : undefined;
      const ts = clock.now();
      const outcomes: Outcome[] = batch.map((p) => {
        if (!p.change.audit?.length) return { ok: true, value: { events: [] } };
        const events = chainEvents(head, p.change.audit, ts);
        const last = events[events.length - 1]!;
        head = { seq: last.seq, hash: last.hash };
        return { ok: true, value: { events } };
      });
      const statements: Statement[] = batch.flatMap((p) => [
        ...(p.change.guards ?? []).flatMap((g) => guardStatements(db, 'postgres', g).map((q) => q.compile())),
        ...(p.change.writes ?? []).map((w) => (w as Compilable).compile()),
      ]);
      const events = outcomes.flatMap((o) => (o.ok ? o.value.events : []));
      if (events.length) statements.push({ sql: PG_INSERT_EVENTS, parameters: pgEventParameters(events) });
      statements.push({ sql: 'COMMIT', parameters: [] });
      const results = await pipeline(client, statements, { types });
      seen.drop ||= anyStale(results) || results.unknown === true;
      // Statements the server may have run, COMMIT among them: never replayed.
      if (results.unknown) throw new CommitInDoubt('the connection failed before the server confirmed the batch');
      // A block stops at its first error, so COMMIT did not run; the error is the first one.
      rowsOrThrow(results);
      return outcomes;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }

  // Group commit: while one batch is being written, later changes queue up and go in the
  // next transaction together (one lock, one WAL flush). A batch is first tried without
  // savepoints; if any change fails it is replayed with one savepoint per change, so a
  // failing guard fails only its own request. Callers are answered after COMMIT.
  let queue: Pending[] = [];
  let draining = false;
  const read = groupedReads(pool, types);
  async function flush(batch: Pending[]) {
    let outcomes: Outcome[];
    const client = await pool.connect().catch((error: unknown) => {
      for (const p of batch) p.reject(error);
      return null;
    });
    if (!client) return;
    // A connection with a stale prepared statement, or one that failed mid-block, is
    // dropped after the batch (the replay sends its statements unnamed).
    const seen = { drop: false };
    try {
      const began = performance.now();
      try {
        outcomes = await attemptPipelined(client, batch, seen);
      } catch (err) {
        if (err instanceof CommitInDoubt) throw err;
        // Some change failed (a guard, usually): replay with one savepoint per change,
        // so each one gets its own outcome and the others still commit.
        outcomes = await attemptIsolated(client, batch);
      }
      opts.onBatch?.(batch.length, (performance.now() - began) / 1000);
      batch.forEach((p, i) => {
        const o = outcomes[i]!;
        if (o.ok) p.resolve(o.value);
        else p.reject(o.error);
      });
    } catch (error) {
      for (const p of batch) p.reject(error);
    } finally {
      client.release(seen.drop);
    }
  }
  async function drain() {
    draining = true;
    try {
      while (queue.length) {
        const batch = queue.slice(0, 256);
        queue = queue.slice(256);
        await flush(batch);
      }
    } finally {
      draining = false;
    }
  }

  return {
    dialect: 'postgres',
    db,
    pool,
    commit(change) {
      return new Promise<Committed>((resolve, reject) => {
        queue.push({ change, resolve, reject });
        if (!draining) void drain();
      });
    },
    async readAll(queries) {
      if (!queries.length) return [] as never;
      return (await read(queries.map((q) => q.compile()))) as never;
    },
    async scrub(tables) {
      // VACUUM drops the dead tuples an erasure left (an UPDATE or DELETE only marks them),
      // so no query, and no ordinary page read, sees them again. It cannot run inside a
      // transaction, and it does not wipe the freed bytes or the WAL (see the README).
      if (!tables.length) return;
      const names = tables.map((t) => pg.escapeIdentifier(t)).join(', ');
      await pool.query(`VACUUM ${names}`);
    },
    async close() {
      while (draining || queue.length) await new Promise((r) => setTimeout(r, 5));
      await db.destroy();
    },
  };
}

/**
 * Applies migrations/postgres/*.sql, each with its d1_migrations record in one
 * transaction, under a session advisory lock so two starting servers cannot race.
 */
export async function migratePostgres(pool: pg.Pool, files?: MigrationFile[]): Promise<string[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [AUDIT_LOCK + 1]);
    return await migrate(
      {
        async applied() {
          await client.query(MIGRATIONS_TABLE_SQL.replace('INTEGER PRIMARY KEY AUTOINCREMENT', 'SERIAL PRIMARY KEY'));
          return (await client.query<{ name: string }>('SELECT name FROM d1_migrations')).rows.map((r) => r.name);
        },
        async apply(file) {
          try {
            await client.query('BEGIN');
            await client.query(file.sql);
            await client.query('INSERT INTO d1_migrations (name) VALUES ($1)', [file.name]);
            await client.query('COMMIT');
          } catch (err) {
            await client.query('ROLLBACK').catch(() => {});
            throw err;
          }
        },
      },
      files ?? readMigrationFiles('postgres'),
    );
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [AUDIT_LOCK + 1]).catch(() => {});
    client.release();
  }
}

// The store on PostgreSQL (pg pool + Kysely). commit is one transaction on one pooled
// client; audit appends take a transaction-scoped advisory lock so the sequence stays
// gapless and the hash chain linear under concurrent commits. int8 comes back as number.
import pg from 'pg';
import { Kysely, PostgresDialect, type Compilable, type CompiledQuery } from 'kysely';
import type { Clock } from '../clock.ts';
import { newId } from '../crypto/random.ts';
import { guardStatement } from '../db/guard.ts';
import { MIGRATIONS_TABLE_SQL, migrate, type MigrationFile } from '../db/migrate.ts';
import type { Database as Schema } from '../db/schema.ts';
import { isGuardViolation, type Change, type Committed, type Store } from '../db/store.ts';
import { GuardFailed } from '../errors.ts';
import { chainEvents, type ChainHead } from '../features/audit/chain.ts';
import { readMigrationFiles } from './migration-files.ts';

const AUDIT_LOCK = 0x7472_6f76; // "trov"
const INT8 = 20;

const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export type PostgresStore = Store & { readonly pool: pg.Pool };

export function createPool(url: string, opts: { schema?: string; max?: number } = {}): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    types,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
}

export function createPostgresStore(pool: pg.Pool, clock: Clock): PostgresStore {
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  const run = (client: pg.PoolClient, q: CompiledQuery) => client.query(q.sql, q.parameters as unknown[]);

  async function apply(client: pg.PoolClient, change: Change): Promise<Committed> {
    for (const guard of change.guards ?? []) {
      try {
        await run(client, guardStatement(db, guard).compile());
      } catch (err) {
        if (isGuardViolation(err)) throw new GuardFailed(guard.name);
        throw err;
      }
    }
    for (const w of change.writes ?? []) await run(client, (w as Compilable).compile());
    if (!change.audit?.length) return { events: [] };
    await client.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
    const head = (await client.query<ChainHead>('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1')).rows[0];
    const events = chainEvents(head, change.audit, clock.now(), newId);
    await run(client, db.insertInto('audit_events').values(events).compile());
    return { events };
  }

  return {
    dialect: 'postgres',
    db,
    pool,
    async commit(change) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await apply(client, change);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async close() {
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

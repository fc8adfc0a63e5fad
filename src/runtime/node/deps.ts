// Builds Trove's deps on Node: embedded SQLite in TROVE_DATA_DIR (or PostgreSQL when
// DATABASE_URL is set), migrations, the master key, libsodium, then the shared boot.
import { existsSync, mkdirSync } from 'node:fs';
import BetterSqlite from 'better-sqlite3';
import { join } from 'node:path';
import sodium from 'libsodium-wrappers';
import { boot } from '../../boot.ts';
import { systemClock, type Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { BaseDeps, Deps, Logger } from '../../deps.ts';
import type { Store } from '../../db/store.ts';
import { loadMasterKey } from './master-key.ts';
import type { NodeMetrics } from './metrics.ts';
import { readMigrationFiles } from '../store/migration-files.ts';
import { loadRoster } from './roster-file.ts';
import { createNodeOutbound } from './outbound.ts';
import { createPool, createPostgresStore, migratePostgres } from '../store/postgres/index.ts';
import { createSqliteStore, migrateSqlite, openSqlite } from '../store/sqlite/index.ts';

export const DATABASE_FILE = 'trove.db';

export type NodeOptions = { log: Logger; clock?: Clock; checkpointEvery?: number; metrics?: NodeMetrics };

/** Opens and migrates the configured database; returns the store and the files applied. */
export async function openStore(config: Config, clock: Clock, log?: Logger, metrics?: NodeMetrics): Promise<{ store: Store; applied: string[] }> {
  const onBatch = metrics?.onBatch;
  if (config.databaseUrl) {
    const pool = createPool(config.databaseUrl, {
      onError: (err) => log?.warn('a PostgreSQL connection failed; the pool replaces it', { error: err.message }),
    });
    try {
      const applied = await migratePostgres(pool);
      return { store: createPostgresStore(pool, clock, { onBatch }), applied };
    } catch (err) {
      await pool.end();
      throw err;
    }
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const sqlite = openSqlite(join(config.dataDir, DATABASE_FILE));
  const applied = await migrateSqlite(sqlite);
  return { store: createSqliteStore(sqlite, clock, { onBatch }), applied };
}

export async function createNodeDeps(config: Config, opts: NodeOptions): Promise<Deps> {
  const clock = opts.clock ?? systemClock;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const masterKey = loadMasterKey(config, opts.log);
  await sodium.ready;
  const { store, applied } = await openStore(config, clock, opts.log, opts.metrics);
  if (applied.length) opts.log.info('migrations applied', { files: applied });
  const outbound = createNodeOutbound({ allowPrivate: config.webhookAllowPrivate });
  // Witnesses are addresses the operator configured, so they may be private (another host
  // on the operator's network): they bypass the SSRF guard that covers brand URLs.
  const operatorFetch: Deps['operatorFetch'] = (url, init) => fetch(url, init);
  const base: BaseDeps = { config, store, clock, sodium, log: opts.log, checkpointEvery: opts.checkpointEvery ?? 1000, outbound, operatorFetch };
  if (config.termsFile) base.roster = loadRoster(config.termsFile);
  if (opts.metrics) base.metrics = opts.metrics;
  // What /readyz compares with d1_migrations; the runtime (serve) replaces draining().
  base.lifecycle = { expectedMigrations: readMigrationFiles(config.databaseUrl ? 'postgres' : 'sqlite').map((f) => f.name), draining: () => false };
  try {
    const deps = await boot(base, masterKey, applied);
    opts.metrics?.watch(deps);
    return deps;
  } catch (err) {
    await store.close();
    throw err;
  } finally {
    masterKey.fill(0);
  }
}

/** Opens an existing database read-only for verification: no migration, no keys needed. */
export async function openExisting(config: Config, database?: string): Promise<Store> {
  const target = database ?? config.databaseUrl ?? join(config.dataDir, DATABASE_FILE);
  if (/^postgres(ql)?:\/\//.test(target)) return createPostgresStore(createPool(target, { max: 2 }), systemClock);
  if (!existsSync(target)) throw new Error(`no database at ${target}`);
  return createSqliteStore(new BetterSqlite(target, { readonly: true, fileMustExist: true }), systemClock);
}

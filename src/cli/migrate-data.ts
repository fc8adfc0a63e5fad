// `trove migrate-data --to postgres://…`: moves an embedded SQLite installation into an
// empty PostgreSQL database. The target is migrated first; then every row is copied in
// ONE PostgreSQL transaction (copy-tables.ts), per-table counts compared before COMMIT, so
// a failure at any point leaves the target as empty as it was and the command can simply
// be run again; a target holding any row is refused. The audit log must verify in the
// source before and in the target after. Keys are copied wrapped: the same master key
// opens them there, so tokens already issued stay valid.
import { existsSync } from 'node:fs';
import BetterSqlite from 'better-sqlite3';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { systemClock } from '../clock.ts';
import { verifyAuditLog } from '../features/audit/verify.ts';
import { createPool, createPostgresStore, migratePostgres } from '../runtime/store/postgres/index.ts';
import { readMigrationFiles } from '../runtime/store/migration-files.ts';
import { output, parse, UsageError } from './args.ts';
import { localOnly } from './backup.ts';
import { copyLog } from './copy-log.ts';
import { advanceSequences, copyTable, insertOrder, SEEDED, targetColumns } from './copy-tables.ts';
import { help } from './migrate.ts';
import { migratedEvent } from './operator-events.ts';
import { progress } from './progress.ts';
import { checkDatabaseFile, configuredDatabase, heldByAnother } from './sqlite-files.ts';
import { splitPassword } from './pg-dump.ts';

export const MIGRATE_DATA_HELP = `Usage: trove migrate-data --to postgres://… [--from FILE] [--batch N] [--json]

Copies the embedded SQLite installation (TROVE_DATA_DIR, or --from a backup file) into an
empty PostgreSQL database: applies the PostgreSQL migrations there, copies every table
and row in dependency order in batches of N (default 500) inside one transaction,
checks that every table's count matches, and verifies the audit log there.
Stop Trove first (it refuses while a server holds the database). Interrupted or failed,
nothing of the copy is committed: run it again. A target that already holds rows (a
finished copy, or a Trove started on it) is refused. Then start Trove with
DATABASE_URL set to the target and the same TROVE_MASTER_KEY and TROVE_ORIGIN: the keys,
grants and refresh tokens carry over.`;

// Kept on each side by its own migration runner.
// The compact log's tables hold numbers each database assigns itself (contexts, brands):
// the log is copied as its audit_events view decodes it (copy-log.ts), after every table.
const NOT_COPIED = new Set(['d1_migrations', 'sqlite_sequence', 'audit_log', 'audit_contexts', 'audit_brands', 'audit_by_context']);

export async function migrateDataCommand(argv: string[], config: Config): Promise<number> {
  const { values } = parse(argv, { to: { type: 'string' }, from: { type: 'string' }, batch: { type: 'string' }, url: { type: 'string' } });
  if (values.help) return help(MIGRATE_DATA_HELP);
  localOnly('migrate-data', values.url);
  const to = values.to;
  if (!to || !/^postgres(ql)?:\/\//.test(to)) throw new UsageError('--to postgres://… (the empty target database) is required');
  const batch = values.batch === undefined ? 500 : Number(values.batch);
  if (!Number.isSafeInteger(batch) || batch < 1 || batch > 10_000) throw new UsageError('--batch must be a whole number from 1 to 10000');
  if (!values.from && config.databaseUrl)
    throw new UsageError('this installation already runs on PostgreSQL (DATABASE_URL); migrate-data copies a SQLite one (or --from FILE)');
  const source = values.from ?? configuredDatabase(config);
  if (!existsSync(source)) throw new UsageError(`no database at ${source}`);
  if (heldByAnother(source))
    throw new UsageError(`a Trove server (or another process) has ${source} open: stop it first (writes made during the copy would not be carried over)`);

  const before = await checkDatabaseFile(source);
  if (before.integrity !== 'ok' || !before.audit.ok)
    throw new Error(
      `the source does not verify (${before.integrity !== 'ok' ? before.integrity : `audit log, seq ${before.audit.first_bad_seq}: ${before.audit.problem}`}); nothing was copied`,
    );
  const sqlite = new BetterSqlite(source, { readonly: true, fileMustExist: true });
  const pool = createPool(to, { max: 2 });
  try {
    checkSourceMigrations(sqlite);
    await migratePostgres(pool);
    const counts = await copyAll(sqlite, pool, batch, values.json);
    const store = createPostgresStore(pool, systemClock);
    const verdict = await verifyAuditLog(store.db);
    if (!verdict.ok) throw new Error(`the copied audit log does not verify in PostgreSQL (seq ${verdict.first_bad_seq}: ${verdict.problem})`);
    const rows = Object.values(counts).reduce((a, b) => a + b, 0);
    await store.commit({ audit: [migratedEvent({ tables: Object.keys(counts).length, rows, audit_events: verdict.checked })] });
    const target = splitPassword(to).url;
    output(
      values.json,
      { to: target, tables: counts, rows, audit: { ok: true, events: verdict.checked, checkpoint: verdict.latest_checkpoint?.size ?? null } },
      [
        `copied ${rows} rows in ${Object.keys(counts).length} tables to ${target}; every table's count matches`,
        ...Object.entries(counts).map(([t, n]) => `  ${t}: ${n}`),
        `audit log intact there: ${verdict.checked} events${verdict.latest_checkpoint ? `, latest checkpoint size ${verdict.latest_checkpoint.size}` : ''}`,
        'next: start Trove with DATABASE_URL set to it and the same TROVE_MASTER_KEY and TROVE_ORIGIN',
      ].join('\n'),
    );
    return 0;
  } finally {
    sqlite.close();
    await pool.end();
  }
}

/** The source must be at exactly this version's migrations: the PostgreSQL schema is made from them. */
function checkSourceMigrations(sqlite: BetterSqlite.Database): void {
  const done = new Set((sqlite.prepare('SELECT name FROM d1_migrations').all() as { name: string }[]).map((r) => r.name));
  const files = readMigrationFiles('sqlite').map((f) => f.name);
  const pending = files.filter((f) => !done.has(f));
  if (pending.length) throw new UsageError(`the source lacks migrations ${pending.join(', ')}: run trove migrate on it first`);
  const unknown = [...done].filter((n) => !files.includes(n));
  if (unknown.length) throw new UsageError(`the source was migrated by a newer Trove (${unknown.join(', ')}): use that version`);
}

async function copyAll(sqlite: BetterSqlite.Database, pool: pg.Pool, batch: number, json?: boolean): Promise<Record<string, number>> {
  const tables = (sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[])
    .map((r) => r.name)
    .filter((t) => !NOT_COPIED.has(t));
  const client = await pool.connect();
  sqlite.exec('BEGIN'); // one snapshot of the source for the counts and the copy alike
  try {
    await client.query('BEGIN');
    // No Trove started on the target meanwhile can append to the log under us.
    await client.query('LOCK TABLE audit_log IN EXCLUSIVE MODE');
    const columns = await targetColumns(client);
    const absent = tables.filter((t) => !columns.has(t));
    if (absent.length) throw new UsageError(`the target has no table ${absent.join(', ')}: its migrations differ from SQLite's`);
    const holding: string[] = [];
    for (const t of [...tables, 'audit_events']) {
      const seeded = SEEDED[t];
      const empty = seeded
        ? (await client.query<{ seed: boolean }>(seeded)).rows[0]?.seed
        : (await client.query(`SELECT 1 FROM "${t}" LIMIT 1`)).rowCount === 0;
      if (!empty) holding.push(t);
    }
    if (holding.length)
      throw new UsageError(
        `the target already holds data (${holding.join(', ')}): migrate-data copies into an empty database only. A failed run commits nothing; a finished copy, or a Trove started on the target, leaves rows: drop and recreate the database`,
      );
    const expected = Object.fromEntries(
      [...tables, 'audit_events'].map((t) => [t, Number((sqlite.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n)]),
    );
    const total = Object.values(expected).reduce((a, b) => a + b, 0);
    const bar = progress('copying rows', { json });
    let done = 0;
    const counts: Record<string, number> = {};
    for (const t of await insertOrder(client, tables)) {
      if (SEEDED[t]) await client.query(`DELETE FROM "${t}"`);
      counts[t] = await copyTable(sqlite, client, t, columns.get(t)!, { batch, onRows: (n) => bar.update((done += n), total) });
    }
    counts.audit_events = await copyLog(sqlite, client, { batch, onRows: (n) => bar.update((done += n), total) });
    bar.end();
    for (const t of [...tables, 'audit_events']) {
      const there = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${t}"`)).rows[0]!.n);
      if (there !== expected[t] || counts[t] !== expected[t])
        throw new Error(`table ${t}: ${expected[t]} rows in SQLite, ${there} in PostgreSQL; nothing was committed`);
    }
    await advanceSequences(client, tables);
    await client.query('COMMIT');
    return counts;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    sqlite.exec('COMMIT');
    client.release();
  }
}

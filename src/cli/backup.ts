// `trove backup --out FILE`: on SQLite an online, consistent copy taken while the server
// serves, made a single self-contained file (mode 0600), checked before it is given its
// name (integrity_check, the audit log verifying in it); on PostgreSQL pg_dump -Fc
// (pg-dump.ts). Never overwrites a file. Each backup is an operator event in the log.
import { existsSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Config } from '../config.ts';
import BetterSqlite from 'better-sqlite3';
import { output, parse, UsageError } from './args.ts';
import { help } from './migrate.ts';
import { backupEvent } from './operator-events.ts';
import { pgBackup } from './pg-dump.ts';
import { checkDatabaseFile, configuredDatabase, headSeq, onlineCopy, syncDirectory } from './sqlite-files.ts';
import { createSqliteStore, openSqlite } from '../runtime/store/sqlite/index.ts';
import { systemClock } from '../clock.ts';

export const BACKUP_HELP = `Usage: trove backup --out FILE [--json]

SQLite (TROVE_DATA_DIR): an online backup while the server keeps serving. The copy is one
consistent snapshot, written as a single file with mode 0600, then checked: SQLite's
integrity_check, and the audit log verifying in the copy. Only then is it named FILE.
PostgreSQL (DATABASE_URL): runs pg_dump -Fc into FILE when pg_dump is on the PATH (its
major version must be at least the server's) and checks the archive with pg_restore --list;
without pg_dump it refuses and points at the README (Backup and restore: pg_dump, PITR).
FILE must not exist. The backup is recorded in the audit log (operator.backup_created).
Keep the master key apart from the backups: a backup opens only with it.`;

export async function backupCommand(argv: string[], config: Config): Promise<number> {
  const { values } = parse(argv, { out: { type: 'string' }, url: { type: 'string' } });
  if (values.help) return help(BACKUP_HELP);
  localOnly('backup', values.url);
  const out = values.out;
  if (!out) throw new UsageError('--out FILE is required');
  if (existsSync(out)) throw new UsageError(`${out} exists: a backup never overwrites a file; choose a new name`);
  if (config.databaseUrl) return pgBackup(config.databaseUrl, out, values.json);
  return sqliteBackup(configuredDatabase(config), out, values.json);
}

async function sqliteBackup(source: string, out: string, json?: boolean): Promise<number> {
  if (!existsSync(source)) throw new UsageError(`no database at ${source}: check TROVE_DATA_DIR`);
  const tmp = `${out}.partial-${process.pid}`;
  // Created first with 0600, so the copy is never readable by others, even for a moment.
  writeFileSync(tmp, '', { mode: 0o600, flag: 'wx' });
  const store = createSqliteStore(openSqlite(source), systemClock);
  try {
    try {
      await onlineCopy(store.sqlite, tmp);
      selfContained(tmp);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    const check = await checkDatabaseFile(tmp);
    const ok = check.integrity === 'ok' && check.audit.ok;
    const bytes = statSync(tmp).size;
    const detail = { head_seq: check.audit.head?.seq ?? 0, bytes, integrity: ok };
    if (!ok) {
      rmSync(tmp, { force: true });
      await store.commit({ audit: [backupEvent('failure', detail)] });
      const why = check.integrity !== 'ok' ? `integrity_check: ${check.integrity}` : `audit log: ${check.audit.problem}`;
      throw new Error(`the copy did not verify (${why}); nothing was written to ${out}`);
    }
    renameSync(tmp, out);
    syncDirectory(out);
    await store.commit({ audit: [backupEvent('success', detail)] });
    const cp = check.audit.latest_checkpoint;
    output(
      json,
      {
        file: out,
        dialect: 'sqlite',
        bytes,
        mode: '0600',
        integrity: check.integrity,
        audit: { ok: true, events: check.audit.checked, head_seq: detail.head_seq, checkpoint: cp?.size ?? null },
      },
      `backup written to ${out} (${bytes} bytes, mode 0600)\nintegrity_check: ok\naudit log intact in the copy: ${check.audit.checked} events${cp ? `, latest checkpoint size ${cp.size}` : ''}`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

/** The copy keeps the live file's WAL mode; as a backup it is one file, with no -wal or -shm to carry. */
function selfContained(file: string): void {
  const db = new BetterSqlite(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    headSeq(db); // a copy without an audit log fails here, before it is checked
  } finally {
    db.close();
  }
}

/**
 * backup, restore and migrate-data move a database's files, so they run where the database
 * is: with --url or TROVE_URL (the remote CLI) they refuse rather than act on a local one.
 */
export function localOnly(command: string, url: string | undefined): void {
  if (url ?? process.env.TROVE_URL)
    throw new UsageError(
      `trove ${command} works on the database of this machine, not through --url / TROVE_URL: run it where the database is (README, "Backup and restore"; on Workers, wrangler d1 export)`,
    );
}

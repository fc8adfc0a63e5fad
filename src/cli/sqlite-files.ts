// SQLite database files as the backup, restore and migrate-data commands handle them:
// where the configured one is, whether a server holds it open, a consistent online copy
// (one backup step, so a busy server cannot make it start over), and the check a copy
// must pass before anyone relies on it (integrity_check, and the audit log verifying in it).
import { closeSync, existsSync, fsyncSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import type { Config } from '../config.ts';
import { systemClock } from '../clock.ts';
import type { LogVerdict } from '../features/audit/verify-log.ts';
import { verifyAuditLog } from '../features/audit/verify.ts';
import { DATABASE_FILE } from '../runtime/node/deps.ts';
import { createSqliteStore, fastChainWalk, openSqlite } from '../runtime/store/sqlite/index.ts';
import { UsageError } from './args.ts';

export const configuredDatabase = (config: Config) => join(config.dataDir, DATABASE_FILE);

/**
 * Whether another connection has the file open (a running server, its checkpointer, a CLI
 * command). Every connection to a WAL database keeps a shared lock while it is open, so an
 * exclusive lock taken at once means nobody else is there. Nothing is written.
 */
export function heldByAnother(file: string): boolean {
  if (!existsSync(file)) return false;
  const probe = new BetterSqlite(file, { fileMustExist: true });
  try {
    probe.pragma('busy_timeout = 200');
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE');
    probe.exec('COMMIT');
    return false;
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY')) return true;
    // A file that is not (or no longer) a database serves nobody: a restore may replace it.
    if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) return false;
    throw err;
  } finally {
    probe.close();
  }
}

/** Copies a live database into `to` as one consistent snapshot (better-sqlite3's online backup API). */
export async function onlineCopy(from: BetterSqlite.Database, to: string): Promise<void> {
  // After the first (empty) step, ask for every page in one step: a step reads one snapshot,
  // while many small steps restart whenever the server commits in between.
  await from.backup(to, { progress: () => 0x7fffffff });
}

export type FileCheck = { integrity: string; audit: LogVerdict };

/** integrity_check and the audit log's self-check, on a read-only connection. */
export async function checkDatabaseFile(file: string): Promise<FileCheck> {
  let sqlite: BetterSqlite.Database;
  try {
    sqlite = new BetterSqlite(file, { readonly: true, fileMustExist: true });
    sqlite.pragma('schema_version'); // fails here on a file that is not a database
  } catch (err) {
    throw new UsageError(`${file} is not a readable SQLite database (${(err as Error).message})`);
  }
  const store = createSqliteStore(sqlite, systemClock);
  try {
    const rows = sqlite.pragma('integrity_check') as { integrity_check: string }[];
    const integrity = rows.map((r) => r.integrity_check).join('; ');
    const hasLog = sqlite.prepare("SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = 'audit_events'").get();
    if (!hasLog) throw new UsageError(`${file} is not a Trove database (no audit log in it)`);
    return { integrity, audit: await verifyAuditLog(store.db, fastChainWalk(store)) };
  } finally {
    await store.close();
  }
}

/** The last audit sequence number in a database file (0 when the log is empty). */
export function headSeq(sqlite: BetterSqlite.Database): number {
  const row = sqlite.prepare('SELECT max(seq) AS seq FROM audit_events').get() as { seq: number | null };
  return Number(row.seq ?? 0);
}

/** Opens a file the way the server does, for a command that writes to it. */
export function openForWrite(file: string) {
  return createSqliteStore(openSqlite(file), systemClock);
}

/** Makes a rename in `file`'s directory durable. */
export function syncDirectory(file: string): void {
  const fd = openSync(dirname(file), 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

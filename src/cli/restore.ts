// `trove restore FILE [--allow-rollback]` (SQLite): puts a backup in place of the
// configured database. Refuses a backup that does not verify, a database a server holds
// open, and a backup that would roll the audit log back behind a published or witnessed
// checkpoint (restore-rollback.ts) unless --allow-rollback, which the restored log then
// records. The swap is atomic: the backup is copied and audited beside the database, the
// old file kept under another name, and the new one renamed into place.
import { existsSync, linkSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import type { Config } from '../config.ts';
import { output, parse, UsageError } from './args.ts';
import { localOnly } from './backup.ts';
import { help } from './migrate.ts';
import { restoredEvent, rollbackEvent } from './operator-events.ts';
import { rollbackCheck } from './restore-rollback.ts';
import { checkDatabaseFile, configuredDatabase, heldByAnother, onlineCopy, openForWrite, syncDirectory } from './sqlite-files.ts';

export const RESTORE_HELP = `Usage: trove restore FILE [--allow-rollback] [--json]

Replaces the SQLite database in TROVE_DATA_DIR with the backup FILE (from trove backup).
Stop Trove first: restore refuses while a server has the database open. The backup must
pass integrity_check and its audit log must verify. The replaced database is kept beside
it as trove.db.before-restore-<time> (delete it when you no longer need it: it holds
consumer data). The restore is recorded in the restored log (operator.restored).
It refuses a backup whose audit log ends before the newest checkpoint of the database it
replaces, or before what a configured witness (TROVE_WITNESSES) last cosigned: those
checkpoints are public, and events they cover would vanish. --allow-rollback restores it
anyway and records operator.rollback_allowed in the restored log; verifiers and witnesses
that saw the later checkpoints will then report the log as rolled back, as they should.
PostgreSQL: restore with pg_restore (README, "Backup and restore").`;

export async function restoreCommand(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parse(argv, { 'allow-rollback': { type: 'boolean' }, url: { type: 'string' } }, 1);
  if (values.help) return help(RESTORE_HELP);
  localOnly('restore', values.url);
  if (config.databaseUrl)
    throw new UsageError('trove restore restores the embedded SQLite database; for PostgreSQL use pg_restore (README, "Backup and restore")');
  const file = positionals[0];
  if (!file) throw new UsageError('restore needs the backup FILE');
  if (!existsSync(file)) throw new UsageError(`no backup at ${file}`);
  const target = configuredDatabase(config);
  if (resolve(file) === resolve(target)) throw new UsageError('the backup is the configured database itself');
  const serverHolds = () => heldByAnother(target);
  if (serverHolds()) throw new UsageError(`a Trove server (or another process) has ${target} open: stop it first`);

  const check = await checkDatabaseFile(file);
  if (check.integrity !== 'ok') throw new Error(`the backup fails integrity_check (${check.integrity}); nothing was changed`);
  if (!check.audit.ok)
    throw new Error(`the audit log in the backup does not verify (seq ${check.audit.first_bad_seq}: ${check.audit.problem}); nothing was changed`);

  const rb = await rollbackCheck({ replaced: existsSync(target) ? target : null, backup: file, witnesses: config.witnesses });
  const rollback = rb.behind > 0 || rb.fork;
  const what = rb.fork
    ? `the backup holds another history: its event ${rb.published} differs from the one the published checkpoint of size ${rb.published} covers`
    : `the backup's audit log ends at ${rb.backup_head}, behind the checkpoint of size ${rb.published} already published (${rb.seen_in.join(', ')}${rb.witnessed ? `; witnessed by ${rb.witnessed}` : ''}): ${rb.behind} event(s) would vanish from a log others have seen`;
  if (rollback && !values['allow-rollback']) throw new Error(`refusing to restore: ${what}. Pass --allow-rollback to restore it anyway (recorded in the log)`);

  // Stage the backup next to the database, its audit events in it, then swap.
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const tmp = `${target}.restore-${process.pid}`;
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  writeFileSync(tmp, '', { mode: 0o600, flag: 'wx' });
  try {
    const source = new BetterSqlite(file, { readonly: true, fileMustExist: true });
    try {
      await onlineCopy(source, tmp);
    } finally {
      source.close();
    }
    const staged = openForWrite(tmp);
    const detail = { backup_head_seq: rb.backup_head, published_checkpoint: rb.published, rolled_back: rollback };
    await staged.commit({
      audit: [restoredEvent(detail), ...(rollback ? [rollbackEvent({ ...detail, events_dropped: rb.behind, fork: rb.fork, witnessed: rb.witnessed })] : [])],
    });
    await staged.close();
  } catch (err) {
    removeDatabase(tmp);
    throw err;
  }

  if (serverHolds()) {
    removeDatabase(tmp);
    throw new UsageError(`a Trove server started on ${target} meanwhile: stop it and run restore again`);
  }
  let kept: string | null = null;
  if (existsSync(target)) {
    kept = `${target}.before-restore-${stamp}`;
    foldWal(target);
    linkSync(target, kept);
  }
  // Nothing of the old database may stay beside the new one: SQLite would replay a WAL
  // left there onto the restored file. One it could not fold goes with the kept copy.
  if (existsSync(`${target}-wal`)) {
    if (kept && statSync(`${target}-wal`).size > 0) renameSync(`${target}-wal`, `${kept}-wal`);
    else rmSync(`${target}-wal`);
  }
  for (const side of ['-shm', '-journal']) rmSync(`${target}${side}`, { force: true });
  renameSync(tmp, target);
  removeDatabase(tmp);
  syncDirectory(target);

  if (rollback) {
    process.stderr.write(
      `\n*** WARNING: AUDIT LOG ROLLED BACK (--allow-rollback) ***\n*** ${what}.\n*** Recorded in the restored log as operator.rollback_allowed. Verifiers holding the later checkpoint, and the witnesses, will report this log as rolled back. ***\n\n`,
    );
  }
  for (const n of rb.notes) process.stderr.write(`trove: note: ${n}\n`);
  output(
    values.json,
    { restored: target, from: file, kept, audit_events: rb.backup_head, rolled_back: rollback, rollback: rollback ? rb : null },
    `restored ${target} from ${file} (audit log: ${rb.backup_head} events, verified)${kept ? `\nthe replaced database is kept as ${kept}` : ''}`,
  );
  return 0;
}

/** Folds the WAL into the file, so the kept copy is one whole file; a damaged database keeps its WAL beside it instead. */
function foldWal(file: string): void {
  try {
    const old = new BetterSqlite(file, { fileMustExist: true });
    try {
      old.pragma('wal_checkpoint(TRUNCATE)');
      old.pragma('journal_mode = DELETE');
    } finally {
      old.close();
    }
  } catch {
    // not readable as a database: kept as it is
  }
}

/** A staged file and whatever SQLite left beside it. */
function removeDatabase(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true });
}

// `trove backup` on PostgreSQL: pg_dump -Fc (a consistent snapshot, taken in one
// repeatable-read transaction while the servers keep writing), checked with pg_restore
// --list, mode 0600, audited in the database. The password goes to pg_dump in its
// environment, never on its command line (where ps would show it).
import { spawnSync } from 'node:child_process';
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { systemClock } from '../clock.ts';
import { createPool, createPostgresStore } from '../runtime/store/postgres/index.ts';
import { output, UsageError } from './args.ts';
import { backupEvent } from './operator-events.ts';
import { syncDirectory } from './sqlite-files.ts';

const RECIPE = 'see the README, "Backup and restore" (pg_dump/pg_restore, or base backups with WAL archiving for point-in-time recovery)';

/** The connection string without its password, and the password apart. */
export function splitPassword(url: string): { url: string; password?: string } {
  const u = new URL(url);
  const password = u.password ? decodeURIComponent(u.password) : undefined;
  u.password = '';
  return { url: u.toString(), password };
}

export function pgToolEnv(password?: string): NodeJS.ProcessEnv {
  return { ...process.env, ...(password ? { PGPASSWORD: password } : {}) };
}

export async function pgBackup(databaseUrl: string, out: string, json?: boolean): Promise<number> {
  const version = spawnSync('pg_dump', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0)
    throw new UsageError(`pg_dump is not on the PATH, so trove backup cannot back up PostgreSQL here: install the PostgreSQL client tools, or ${RECIPE}`);
  const { url, password } = splitPassword(databaseUrl);
  const tmp = `${out}.partial-${process.pid}`;
  writeFileSync(tmp, '', { mode: 0o600, flag: 'wx' }); // pg_dump keeps an existing file's mode
  const dump = spawnSync('pg_dump', ['-Fc', '--no-password', '--file', tmp, '--dbname', url], { encoding: 'utf8', env: pgToolEnv(password) });
  const list = dump.status === 0 ? spawnSync('pg_restore', ['--list', tmp], { encoding: 'utf8' }) : undefined;
  const pool = createPool(databaseUrl, { max: 1 });
  const store = createPostgresStore(pool, systemClock);
  try {
    if (dump.status !== 0 || !list || list.status !== 0 || !/TABLE DATA \S+ audit_log/.test(list.stdout)) {
      rmSync(tmp, { force: true });
      await store.commit({ audit: [backupEvent('failure', { dialect: 'postgres' })] }).catch(() => {});
      const why = dump.status !== 0 ? `pg_dump: ${dump.stderr.trim()}` : `pg_restore --list: ${list?.stderr.trim() || 'no audit log in the archive'}`;
      throw new Error(`the backup failed (${why}); nothing was written to ${out}`);
    }
    renameSync(tmp, out);
    syncDirectory(out);
    const bytes = statSync(out).size;
    const entries = list.stdout.split('\n').filter((l) => /TABLE DATA/.test(l)).length;
    await store.commit({ audit: [backupEvent('success', { dialect: 'postgres', bytes, tables: entries })] });
    output(
      json,
      { file: out, dialect: 'postgres', bytes, mode: '0600', tables: entries, tool: version.stdout.trim() },
      `backup written to ${out} (${bytes} bytes, mode 0600) by ${version.stdout.trim()}\npg_restore --list reads it: ${entries} tables with data\nrestore it with pg_restore (README, "Backup and restore")`,
    );
    return 0;
  } finally {
    await store.close();
  }
}

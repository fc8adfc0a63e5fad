// trove backup on PostgreSQL wraps pg_dump -Fc: a 0600 archive of a real Trove's database,
// audited there, that pg_restore loads into a fresh database where the audit log verifies.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { liveServer } from '../helpers/live-server.ts';
import { testDatabaseUrl } from '../helpers/postgres.ts';

const out = mkdtempSync(join(tmpdir(), 'trove-pgdump-'));
const restoredName = `trove_restored_${Date.now().toString(36)}`;
const admin = async (sql: string) => {
  const c = new pg.Client({ connectionString: testDatabaseUrl() });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
};
afterAll(async () => {
  rmSync(out, { recursive: true, force: true });
  await admin(`DROP DATABASE IF EXISTS ${restoredName} WITH (FORCE)`);
});

const hasPgDump = spawnSync('pg_dump', ['--version']).status === 0;

describe.skipIf(!hasPgDump)('trove backup (PostgreSQL)', () => {
  it('writes a pg_dump archive (0600), audited, that pg_restore brings back with a verifying log', async () => {
    const live = await liveServer();
    try {
      await live.start();
      const cli = (...args: string[]) => spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env: live.cliEnv() });
      expect(cli('brand', 'add', '--name', 'Dumped', '--redirect-uri', 'https://d.example/cb', '--secret').status).toBe(0);
      const file = join(out, 'trove.dump');
      const run = cli('backup', '--out', file, '--json');
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ file, dialect: 'postgres', mode: '0600' });
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const recorded = new pg.Client({ connectionString: live.databaseUrl });
      await recorded.connect();
      const events = (await recorded.query("SELECT outcome, detail FROM audit_events WHERE action = 'operator.backup_created'")).rows;
      await recorded.end();
      expect(events).toEqual([{ outcome: 'success', detail: expect.stringContaining('"dialect":"postgres"') }]);

      await admin(`CREATE DATABASE ${restoredName}`);
      const u = new URL(testDatabaseUrl());
      u.pathname = `/${restoredName}`;
      const restore = spawnSync('pg_restore', ['--no-owner', '--dbname', u.toString(), file], { encoding: 'utf8' });
      expect(restore.status, restore.stderr).toBe(0);
      const verify = cli('audit', 'verify', '--database', u.toString(), '--json');
      expect(verify.status, verify.stdout + verify.stderr).toBe(0);
      expect(JSON.parse(verify.stdout).ok).toBe(true);
    } finally {
      await live.cleanup();
    }
  }, 120_000);
});

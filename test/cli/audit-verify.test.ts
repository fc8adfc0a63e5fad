import type { AuditAction } from '../../src/db/audit-actions.ts';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commit } from '../../src/features/audit/commit.ts';
import { readMigrationFiles } from '../../src/runtime/store/migration-files.ts';
import { sqliteTestDeps } from '../helpers/deps.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const trove = (...args: string[]) =>
  spawnSync(process.execPath, ['src/cli/trove.ts', ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, TROVE_DATA_DIR: dir },
  });

describe('trove audit verify', () => {
  it('exits 0 on an intact database and 1 naming the first bad sequence number after a row is edited with sqlite3', async () => {
    const file = join(dir, 'trove.db');
    const deps = await sqliteTestDeps({ file, checkpointEvery: 4 });
    for (let i = 0; i < 10; i++) {
      await commit(deps, { audit: [{ action: 'test.event' as AuditAction, outcome: 'success', actor_type: 'system', detail: { i } }] });
    }
    await deps.store.close();

    const ok = trove('audit', 'verify', '--database', file);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/intact: 12 events/);

    // The stored row itself, as an operator with any sqlite3 would edit it: its time moved.
    execFileSync('sqlite3', [file, 'UPDATE audit_log SET ts = ts + 1 WHERE seq = 7']);
    const bad = trove('audit', 'verify', '--database', file, '--json');
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ ok: false, first_bad_seq: 7 });
    const human = trove('audit', 'verify', '--database', file);
    expect(human.status).toBe(1);
    expect(human.stdout).toMatch(/first bad sequence number 7/);
  });

  it('reads the configured data directory when no --database is given', async () => {
    // Same directory as the tampered database above.
    const res = trove('audit', 'verify', '--json');
    expect(res.status, res.stderr).toBe(1);
    expect(JSON.parse(res.stdout)).toMatchObject({ first_bad_seq: 7 });
  });
});

describe('trove command line', () => {
  it.each([
    [['--help'], 0, /Usage: trove/],
    [['audit', '--help'], 0, /trove audit verify \[--database/],
    [['keys', '--help'], 0, /--master/],
    [['migrate', '--help'], 0, /migrations/],
    [['serve', '--help'], 0, /Usage: trove serve/],
  ])('prints help for %j', (args, status, text) => {
    const res = trove(...args);
    expect(res.status).toBe(status);
    expect(res.stdout).toMatch(text);
  });

  it.each([
    [['frobnicate'], /unknown command/],
    [['audit', 'verify', '--bogus'], /Unknown option/],
    [['audit', 'shred'], /unknown audit subcommand/],
    [['keys', 'rotate', '--signing', '--master'], /choose one/],
    [['audit', 'verify', '--database', '/nonexistent/trove.db'], /no database/],
  ])('fails clearly with a non-zero exit for %j', (args, message) => {
    const res = trove(...args);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(message);
  });

  it('migrates and rotates keys against the configured database, and the log still verifies', () => {
    const own = mkdtempSync(join(tmpdir(), 'trove-cli-keys-'));
    const env = { PATH: process.env.PATH, TROVE_DATA_DIR: own };
    const run = (...args: string[]) => spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env });
    try {
      expect(JSON.parse(run('migrate', '--json').stdout)).toEqual({ applied: readMigrationFiles('sqlite').map((f) => f.name) });
      expect(JSON.parse(run('migrate', '--json').stdout)).toEqual({ applied: [] });
      const sig = run('keys', 'rotate', '--json');
      expect(sig.status, sig.stderr).toBe(0);
      expect(JSON.parse(sig.stdout)).toMatchObject({ kid: expect.stringMatching(/^sig-/), retired: [expect.any(String)] });
      // Without a new key there is nothing to rotate to: a clear usage error.
      const refused = run('keys', 'rotate', '--master', '--json');
      expect(refused.status).toBe(2);
      expect(refused.stderr).toMatch(/TROVE_PREVIOUS_MASTER_KEYS/);
      // The development key file is the old key; the new one comes from the environment.
      const old = readFileSync(join(own, 'master.key'), 'utf8').trim();
      const fresh = Buffer.alloc(32, 0x42).toString('base64url');
      const master = spawnSync(process.execPath, ['src/cli/trove.ts', 'keys', 'rotate', '--master', '--json'], {
        encoding: 'utf8',
        env: { ...env, TROVE_MASTER_KEY: fresh, TROVE_PREVIOUS_MASTER_KEYS: old },
      });
      expect(master.status, master.stderr).toBe(0);
      expect(JSON.parse(master.stdout)).toMatchObject({ from: 1, to: 2, dataKeys: 0, keys: 4 });
      const verify = run('audit', 'verify', '--json');
      expect(verify.status).toBe(0);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, checked: 5 });
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });
});

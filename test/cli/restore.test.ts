// trove restore on real SQLite files, a real witness process and a real Trove process:
// a backup behind a published checkpoint (the replaced database's) or a witnessed one (a
// witness's, when the database is gone) is refused, and restored with --allow-rollback,
// which the restored log records; a running server, a tampered backup and PostgreSQL are refused.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import { SQLITE_LEGACY_WRITES } from '../helpers/legacy-log-writes.ts';
import { afterAll, describe, expect, it } from 'vitest';
import { liveServer } from '../helpers/live-server.ts';
import { startWitness, trove as witnessTrove, type WitnessProcess } from '../witness/witness-process.ts';

const MASTER_KEY = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';
const root = mkdtempSync(join(tmpdir(), 'trove-restore-'));
const witnesses: WitnessProcess[] = [];
afterAll(async () => {
  for (const w of witnesses) await w.kill();
  rmSync(root, { recursive: true, force: true });
});

function installation(name: string, extra: Record<string, string> = {}) {
  const dir = join(root, name);
  const env = { PATH: process.env.PATH ?? '', TROVE_DATA_DIR: dir, TROVE_MASTER_KEY: MASTER_KEY, ...extra };
  const trove = (...args: string[]) => spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env });
  const ok = (...args: string[]) => {
    const r = trove(...args);
    if (r.status !== 0) throw new Error(`trove ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const addBrand = (n: string) => ok('brand', 'add', '--name', n, '--redirect-uri', 'https://shop.example/cb', '--secret', '--json');
  const brands = () => JSON.parse(ok('brand', 'list', '--json')) as { name: string }[];
  const events = (action: string) => {
    const db = new BetterSqlite(join(dir, 'trove.db'), { readonly: true });
    try {
      return db.prepare('SELECT seq, actor_type, reason, detail FROM audit_events WHERE action = ? ORDER BY seq').all(action) as {
        seq: number;
        actor_type: string;
        reason: string | null;
        detail: string;
      }[];
    } finally {
      db.close();
    }
  };
  return { dir, env, trove, ok, addBrand, brands, events };
}

describe('trove restore', () => {
  it('refuses to roll the log back behind the published checkpoint of the database it replaces, and restores with --allow-rollback, audited', () => {
    const v = installation('published');
    v.addBrand('Before');
    const backup = join(root, 'published.bak');
    v.ok('backup', '--out', backup);
    v.addBrand('After');
    v.ok('audit', 'checkpoint'); // a checkpoint past the backup's end: served by GET /v1/audit/checkpoint from now on

    const refused = v.trove('restore', backup);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/refusing to restore: the backup's audit log ends at \d+, behind the checkpoint of size \d+ already published \(database\)/);
    expect(refused.stderr).toMatch(/--allow-rollback/);
    expect(v.brands().map((b) => b.name)).toEqual(expect.arrayContaining(['Before', 'After'])); // nothing changed

    const forced = v.trove('restore', backup, '--allow-rollback', '--json');
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/WARNING: AUDIT LOG ROLLED BACK \(--allow-rollback\)/);
    const result = JSON.parse(forced.stdout);
    expect(result).toMatchObject({ rolled_back: true, rollback: { fork: false, seen_in: ['database'] } });
    expect(result.rollback.behind).toBeGreaterThan(0);
    expect(v.brands().map((b) => b.name)).toEqual(['Before']);
    // The override is in the restored log, right after the backup's last event, and the log verifies.
    const [rolled] = v.events('operator.rollback_allowed');
    expect(rolled).toMatchObject({ actor_type: 'operator', reason: expect.stringMatching(/--allow-rollback/) });
    expect(JSON.parse(rolled!.detail)).toMatchObject({
      backup_head_seq: result.rollback.backup_head,
      published_checkpoint: result.rollback.published,
      events_dropped: result.rollback.behind,
    });
    expect(v.events('operator.restored')).toHaveLength(1);
    expect(v.trove('audit', 'verify').status).toBe(0);
    // The replaced database is kept beside it, whole, and no stale WAL sits next to the restored one.
    const kept = readdirSync(v.dir).filter((f) => f.startsWith('trove.db.before-restore-'));
    expect(kept).toHaveLength(1);
    expect(v.trove('audit', 'verify', '--database', join(v.dir, kept[0]!)).status).toBe(0);
  }, 120_000);

  it('restores a backup that is not behind any checkpoint without an override', () => {
    const v = installation('forward');
    v.addBrand('One');
    v.ok('audit', 'checkpoint');
    const backup = join(root, 'forward.bak');
    v.ok('backup', '--out', backup);
    v.addBrand('Two'); // events after the checkpoint, never published: a restore may drop them
    const res = v.trove('restore', backup);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stderr).not.toMatch(/WARNING/);
    expect(v.brands().map((b) => b.name)).toEqual(['One']);
    expect(v.events('operator.rollback_allowed')).toHaveLength(0);
  }, 90_000);

  it('with the database lost, refuses a backup behind what a witness cosigned, and records the witness in the override', async () => {
    const setup = installation('witnessed');
    setup.addBrand('Seed');
    const [logKey] = JSON.parse(setup.ok('audit', 'log-key', '--json')).log_keys as string[];
    const keyFile = join(root, 'w.key');
    expect(witnessTrove('witness', 'keygen', '--name', 'witness.test/restore', '--out', keyFile).status).toBe(0);
    const w = await startWitness({ keyFile, stateFile: join(root, 'w-state.json'), logs: [`${logKey!.split('+')[0]}=${logKey}`] });
    witnesses.push(w);
    const v = installation('witnessed', { TROVE_WITNESSES: `${w.url}=${w.vkey}` });
    const backup = join(root, 'witnessed.bak');
    v.ok('backup', '--out', backup);
    v.addBrand('Later');
    expect(v.ok('audit', 'checkpoint')).toMatch(/— witness\.test\/restore /); // cosigned

    // The disk is gone; only the backup and the witness remain.
    for (const f of readdirSync(v.dir)) rmSync(join(v.dir, f));
    const refused = v.trove('restore', backup);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`behind the checkpoint of size \\d+ already published \\(${w.url.replace(/[.]/g, '\\.')}; witnessed by 1\\)`));
    expect(existsSync(join(v.dir, 'trove.db'))).toBe(false);

    const forced = v.trove('restore', backup, '--allow-rollback');
    expect(forced.status, forced.stderr).toBe(0);
    const [rolled] = v.events('operator.rollback_allowed');
    expect(JSON.parse(rolled!.detail)).toMatchObject({ witnessed: 1 });
  }, 120_000);

  it('refuses while a Trove server has the database open', async () => {
    const live = await liveServer();
    try {
      await live.start();
      const env = live.cliEnv();
      const cli = (...args: string[]) => spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env });
      const backup = join(root, 'held.bak');
      expect(cli('backup', '--out', backup).status).toBe(0);
      const res = cli('restore', backup);
      expect(res.status).toBe(2);
      expect(res.stderr).toMatch(/a Trove server \(or another process\) has .*trove\.db open: stop it first/);
      await live.stop();
      // (the server may have signed a checkpoint past the backup meanwhile: this test is about the lock)
      const after = cli('restore', backup, '--allow-rollback');
      expect(after.status, after.stderr).toBe(0);
    } finally {
      await live.cleanup();
    }
  }, 90_000);

  it('replaces a damaged database (keeping it aside) and restores into a data directory that does not exist yet', () => {
    const v = installation('damaged');
    v.addBrand('Survivor');
    const backup = join(root, 'damaged.bak');
    v.ok('backup', '--out', backup);
    for (const f of readdirSync(v.dir)) rmSync(join(v.dir, f));
    writeFileSync(join(v.dir, 'trove.db'), Buffer.alloc(8192, 0x5a)); // not a database any more
    const res = v.trove('restore', backup);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/the database being replaced could not be read/);
    expect(v.brands().map((b) => b.name)).toEqual(['Survivor']);
    expect(readdirSync(v.dir).filter((f) => f.startsWith('trove.db.before-restore-'))).toHaveLength(1);

    const fresh = installation('fresh/nested');
    const into = fresh.trove('restore', backup);
    expect(into.status, into.stderr).toBe(0);
    expect(fresh.brands().map((b) => b.name)).toEqual(['Survivor']);
  }, 90_000);

  it('refuses a backup whose audit log was tampered with, and changes nothing', () => {
    const v = installation('tampered');
    v.addBrand('Real');
    const backup = join(root, 'tampered.bak');
    v.ok('backup', '--out', backup);
    const forged = join(root, 'forged.bak');
    copyFileSync(backup, forged);
    const db = new BetterSqlite(forged);
    db.exec(SQLITE_LEGACY_WRITES);
    db.prepare("UPDATE audit_events SET actor_type = 'system' WHERE seq = 1").run();
    db.close();
    const res = v.trove('restore', forged, '--allow-rollback');
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/the audit log in the backup does not verify \(seq 1/);
    expect(readdirSync(v.dir).filter((f) => f.includes('restore'))).toEqual([]);
  }, 60_000);

  it('points PostgreSQL installations at pg_restore, and fails clearly on bad arguments', () => {
    const v = installation('args');
    const pg = spawnSync(process.execPath, ['src/cli/trove.ts', 'restore', 'x.dump'], {
      encoding: 'utf8',
      env: { ...v.env, DATABASE_URL: 'postgres://trove@127.0.0.1:1/none' },
    });
    expect(pg.status).toBe(2);
    expect(pg.stderr).toMatch(/for PostgreSQL use pg_restore \(README, "Backup and restore"\)/);
    expect(v.trove('restore').stderr).toMatch(/restore needs the backup FILE/);
    expect(v.trove('restore', join(root, 'nothing.bak')).stderr).toMatch(/no backup at/);
    expect(v.trove('restore', '--help').stdout).toMatch(/--allow-rollback/);
  }, 60_000);
});

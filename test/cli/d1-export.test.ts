// The README's D1 backup recipe, run offline against local D1 (wrangler --local, miniflare's
// SQLite): a Trove log loaded into D1, `wrangler d1 export` of it, the export imported into
// a fresh D1 (the restore) and into a SQLite file where `trove audit verify` passes.
// Time Travel (`wrangler d1 time-travel restore`) exists for remote databases only.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/runtime/node/paths.ts';

const root = mkdtempSync(join(tmpdir(), 'trove-d1-export-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const hasSqlite3 = spawnSync('sqlite3', ['-version']).status === 0;
const wranglerBin = join(projectRoot, 'node_modules', '.bin', 'wrangler');

/** A wrangler project of its own (its local D1 state under it), on Trove's migrations. */
function d1Project(name: string) {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'wrangler.toml'),
    `name = "trove-${name}"\ncompatibility_date = "2025-01-01"\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "trove"\ndatabase_id = "00000000-0000-0000-0000-000000000000"\nmigrations_dir = "${join(projectRoot, 'migrations', 'sqlite')}"\n`,
  );
  return (...args: string[]) => {
    const r = spawnSync(wranglerBin, ['d1', ...args, '--local'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', CI: '1' },
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`wrangler d1 ${args.join(' ')}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
}

describe.skipIf(!hasSqlite3)('the D1 backup recipe (local D1)', () => {
  it('exports a Trove database with wrangler d1 export, restores it into a fresh D1, and its audit log verifies', () => {
    // A real Trove log (brands, keys, events, a checkpoint), as on a running Worker.
    const data = join(root, 'node');
    const env = { PATH: process.env.PATH ?? '', TROVE_DATA_DIR: data, TROVE_MASTER_KEY: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8' };
    const trove = (...args: string[]) => spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env });
    expect(trove('brand', 'add', '--name', 'On D1', '--redirect-uri', 'https://d1.example/cb', '--secret').status).toBe(0);
    expect(trove('audit', 'checkpoint').status).toBe(0);
    const dump = spawnSync('sqlite3', [join(data, 'trove.db'), '.dump'], { encoding: 'utf8' }).stdout;
    // D1 runs each file as its own batch: no transaction statements, no internal tables.
    const seed = dump
      .split('\n')
      .filter((l) => !/^(PRAGMA|BEGIN TRANSACTION|COMMIT)/.test(l) && !l.includes('sqlite_sequence'))
      .join('\n');
    writeFileSync(join(root, 'seed.sql'), seed);
    const live = d1Project('live');
    live('execute', 'trove', '--file', join(root, 'seed.sql'), '-y');

    // The recipe: export, then load the file into a new database.
    const file = join(root, 'trove-d1.sql');
    live('export', 'trove', '--output', file);
    const restored = d1Project('restored');
    restored('execute', 'trove', '--file', file, '-y');
    const counted = JSON.parse(
      restored('execute', 'trove', '--json', '--command', 'SELECT (SELECT count(*) FROM audit_events) AS events, (SELECT count(*) FROM brands) AS brands'),
    );
    const original = new BetterSqlite(join(data, 'trove.db'), { readonly: true });
    const events = (original.prepare('SELECT count(*) AS n FROM audit_events').get() as { n: number }).n;
    original.close();
    expect(counted[0].results[0]).toEqual({ events, brands: 1 });
    expect(restored('migrations', 'list', 'trove')).toMatch(/No migrations to apply/);

    // Checked offline: the export loaded into a SQLite file verifies with trove audit verify.
    const check = new BetterSqlite(join(root, 'from-d1.db'));
    check.exec(readFileSync(file, 'utf8'));
    check.close();
    const verify = trove('audit', 'verify', '--database', join(root, 'from-d1.db'), '--json');
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, checked: events });
  }, 240_000);
});

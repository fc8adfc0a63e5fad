// trove backup against a real Trove process taking writes the whole time: the copy is one
// consistent snapshot (a prefix of the live log, verifying on its own), mode 0600, audited
// in the live log; it never overwrites a file; on PostgreSQL without pg_dump it refuses
// with the README's recipe.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caller, type Caller } from '../helpers/consumer.ts';
import { liveServer, type LiveServer } from '../helpers/live-server.ts';
import { sessionCookie, signUp } from '../helpers/passkey-client.ts';

let live: LiveServer;
let me: Caller;
const out = mkdtempSync(join(tmpdir(), 'trove-backup-out-'));

const troveAsync = (env: NodeJS.ProcessEnv, ...args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['src/cli/trove.ts', ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
const trove = (...args: string[]) => spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env: live.cliEnv() });

beforeAll(async () => {
  live = await liveServer();
  await live.start();
  const { res } = await signUp(live.asApp as never, live.origin);
  const body = await res.json();
  me = caller(live.asApp as never, sessionCookie(res)!, body.csrf_token, body.consumer.id);
}, 60_000);

afterAll(async () => {
  await live?.cleanup();
  rmSync(out, { recursive: true, force: true });
});

describe('trove backup (SQLite)', () => {
  it('takes a consistent, verifying, 0600 copy while the server is serving writes, and records it in the live log', async () => {
    let acked = 0;
    let stop = false;
    const writer = async (slot: number) => {
      for (let i = 0; !stop; i++) {
        const res = await me.call(`/api/me/attributes/x-backup-${slot}`, { method: 'PUT', json: { value: `v${i}` } });
        if (res.status === 200) acked += 1;
      }
    };
    const load = Promise.all([writer(1), writer(2), writer(3)]);
    while (acked < 30) await new Promise((r) => setTimeout(r, 20));
    const ackedBefore = acked;
    const file = join(out, 'live.bak');
    const run = await troveAsync(live.cliEnv(), 'backup', '--out', file, '--json');
    const ackedDuring = acked - ackedBefore;
    stop = true;
    await load;
    expect(run.status, run.stderr).toBe(0);
    expect(ackedDuring, 'the server kept acknowledging writes during the backup').toBeGreaterThan(0);

    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ file, dialect: 'sqlite', mode: '0600', integrity: 'ok', audit: { ok: true } });
    expect(statSync(file).mode & 0o777).toBe(0o600);

    // It stands on its own: integrity and the audit log, checked by the verifier, not the backup command.
    const verify = trove('audit', 'verify', '--database', file, '--json');
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    const copy = new BetterSqlite(file, { readonly: true });
    const live_ = new BetterSqlite(join(live.dir, 'trove.db'), { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete'); // one file, no -wal to carry
      const head = copy.prepare('SELECT max(seq) AS s, count(*) AS n FROM audit_events').get() as { s: number; n: number };
      expect(head.n).toBe(head.s); // gapless
      expect(head.s).toBe(result.audit.head_seq);
      // A snapshot: the copy's log is exactly a prefix of the live one.
      const at = (db: BetterSqlite.Database) => (db.prepare('SELECT hash FROM audit_events WHERE seq = ?').get(head.s) as { hash: string }).hash;
      expect(at(copy)).toBe(at(live_));
      // Every write acknowledged before the backup began is in it, with its event.
      const changes = (copy.prepare("SELECT count(*) AS n FROM audit_events WHERE action = 'profile.attributes_changed'").get() as { n: number }).n;
      expect(changes).toBeGreaterThanOrEqual(ackedBefore);
      const recorded = live_.prepare("SELECT outcome, actor_type, detail FROM audit_events WHERE action = 'operator.backup_created'").all() as {
        outcome: string;
        actor_type: string;
        detail: string;
      }[];
      expect(recorded).toHaveLength(1);
      expect(recorded[0]).toMatchObject({ outcome: 'success', actor_type: 'operator' });
      expect(JSON.parse(recorded[0]!.detail)).toMatchObject({ head_seq: head.s, integrity: true });
    } finally {
      copy.close();
      live_.close();
    }
  }, 60_000);

  it('never overwrites a file, and needs --out', () => {
    const file = join(out, 'live.bak');
    const again = trove('backup', '--out', file);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/exists: a backup never overwrites a file/);
    const none = trove('backup');
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/--out FILE is required/);
  });

  it('refuses to run through the remote CLI (--url or TROVE_URL): it moves files where the database is', () => {
    for (const [args, env] of [
      [['backup', '--out', join(out, 'r.bak'), '--url', 'https://vault.example'], {}],
      [['restore', join(out, 'live.bak')], { TROVE_URL: 'https://vault.example' }],
      [['migrate-data', '--to', 'postgres://x/y'], { TROVE_URL: 'https://vault.example' }],
    ] as const) {
      const res = spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env: { ...live.cliEnv(), ...env } });
      expect(res.status).toBe(2);
      expect(res.stderr).toMatch(/works on the database of this machine, not through --url \/ TROVE_URL/);
    }
  });

  it('on PostgreSQL without pg_dump on the PATH, refuses and points at the README recipe', () => {
    const res = spawnSync(process.execPath, ['src/cli/trove.ts', 'backup', '--out', join(out, 'pg.dump')], {
      encoding: 'utf8',
      env: { PATH: '/nonexistent', DATABASE_URL: 'postgres://trove@127.0.0.1:1/none', TROVE_DATA_DIR: out },
    });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/pg_dump is not on the PATH/);
    expect(res.stderr).toMatch(/README, "Backup and restore"/);
  });
});

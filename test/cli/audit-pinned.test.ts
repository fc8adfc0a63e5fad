// `trove audit log-key` and `trove audit verify --log-key … --state …` as an auditor runs
// them, in a separate process against the database file: the first run anchors, later runs
// require the log to extend what was seen, and a history rewritten and re-signed with the
// real key fails naming the rewritten entry, leaving the state as it was.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AuditAction } from '../../src/db/audit-actions.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { advanceLog } from '../../src/features/audit/log-checkpoint.ts';
import { sqliteTestDeps } from '../helpers/deps.ts';
import { exec, rehashFrom, resign } from '../helpers/log-attacks.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-cli-pinned-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'trove.db');
const state = join(dir, 'auditor', 'state.json');

const trove = (...args: string[]) =>
  spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, TROVE_DATA_DIR: dir, HOME: dir } });

async function withDb(fn: (deps: Awaited<ReturnType<typeof sqliteTestDeps>>) => Promise<void>) {
  const deps = await sqliteTestDeps({ file });
  try {
    await fn(deps);
  } finally {
    await deps.store.close();
  }
}

async function grow(n: number) {
  await withDb(async (deps) => {
    for (let i = 0; i < n; i++)
      await commit(deps, { audit: [{ action: 'grant.read' as AuditAction, outcome: 'success', actor_type: 'system', detail: { i } }] });
    await advanceLog(deps);
  });
}

describe('trove audit verify against a pinned log key', () => {
  it('prints the log key, anchors on the first run and follows the log as it grows', async () => {
    await grow(30);
    const key = trove('audit', 'log-key', '--database', file);
    expect(key.status, key.stderr).toBe(0);
    const vkey = key.stdout.trim();
    expect(vkey).toMatch(/^localhost:8787\/audit\+[0-9a-f]{8}\+/);

    const first = trove('audit', 'verify', '--database', file, '--log-key', vkey, '--state', state);
    expect(first.status, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toContain('this run is the first anchor');
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ size: 32 });
    expect(statSync(`${state}.leaves`).size).toBe(32 * 32);

    await grow(8);
    const second = trove('audit', 'verify', '--database', file, '--log-key', vkey, '--state', state, '--json');
    expect(second.status, second.stdout).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ ok: true, trust: 'pinned', latest_checkpoint: { size: 40 }, state_file: state });
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({ size: 40 });

    // A bound on the events after the last checkpoint: 3 new, unsigned events pass 3 and fail 2.
    await withDb(async (deps) => {
      for (let i = 0; i < 3; i++) await commit(deps, { audit: [{ action: 'grant.read' as AuditAction, outcome: 'success', actor_type: 'system' }] });
    });
    const bound = (n: string) => trove('audit', 'verify', '--database', file, '--log-key', vkey, '--state', join(dir, 'bound.json'), '--max-unsigned', n);
    expect(bound('3').status).toBe(0);
    const over = bound('2');
    expect(over.status).toBe(1);
    expect(over.stdout).toContain('3 entries after the last trusted checkpoint (size 40) are not covered by one; at most 2 may be');
    expect(trove('audit', 'verify', '--database', file, '--log-key', vkey, '--max-unsigned', 'abc').status).toBe(2);
    await grow(0); // signs them

    // Without --state the state lives under the auditor's home directory, per key.
    const defaulted = trove('audit', 'verify', '--database', file, '--log-key', vkey, '--json');
    expect(defaulted.status).toBe(0);
    expect(existsSync(JSON.parse(defaulted.stdout).state_file)).toBe(true);
  });

  it('fails naming the rewritten entry when history is rewritten and re-signed with the real key, and keeps the state', async () => {
    const vkey = trove('audit', 'log-key', '--database', file).stdout.trim();
    const before = readFileSync(state, 'utf8');
    await withDb(async (deps) => {
      await exec(deps, `UPDATE audit_events SET outcome = 'denied' WHERE seq = 21`);
      await rehashFrom(deps, 21);
      await resign(deps);
    });
    // The self-check is satisfied; the pinned verifier is not.
    expect(trove('audit', 'verify', '--database', file).status).toBe(0);
    const res = trove('audit', 'verify', '--database', file, '--log-key', vkey, '--state', state);
    expect(res.status).toBe(1);
    expect(res.stdout).toContain('audit log TAMPERED: first bad sequence number 21 (entry 21 changed since the checkpoint of size 40');
    expect(readFileSync(state, 'utf8')).toBe(before);
  });

  it('refuses a key that is not a verifier key, and --state without a pinned key (exit 2); a wrong key fails (exit 1)', () => {
    expect(trove('audit', 'verify', '--database', file, '--log-key', 'not-a-key').status).toBe(2);
    expect(trove('audit', 'verify', '--database', file, '--state', state).status).toBe(2);
    expect(trove('audit', 'verify', '--database', file, '--max-unsigned', '5').status).toBe(2);
    const mismatched = 'localhost:8787/audit+55e517d5+AUMrxVD96k7GVFu4lwhCat/0JPeVLH8CWzIQ/6SB+lkG';
    expect(trove('audit', 'verify', '--database', file, '--log-key', mismatched).status).toBe(2); // its key ID is not its key's
    const another = 'localhost:8787/audit+a6007da7+Acs3io0ixbRdfbs6qzM5bN9+PhiT7Mgo9krzhgt4lHds';
    const wrong = trove('audit', 'verify', '--database', file, '--log-key', another, '--state', join(dir, 'other.json'));
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toContain('does not verify with the log key');
  });
});

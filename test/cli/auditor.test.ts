import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.ts';
import { publicSigningKeys } from '../../src/features/keys/keyring.ts';
import { createSqliteStore, openSqlite } from '../../src/runtime/store/sqlite/store.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-cli-auditor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const trove = (...args: string[]) =>
  spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, TROVE_DATA_DIR: dir } });

let brandId: string;
const jwksFile = join(dir, 'jwks.json');

beforeAll(async () => {
  const brand = trove('brand', 'add', '--name', 'Audited Shoes', '--redirect-uri', 'https://shoes.example/cb', '--secret', '--json');
  expect(brand.status, brand.stderr).toBe(0);
  brandId = JSON.parse(brand.stdout).client_id;
  const store = createSqliteStore(openSqlite(join(dir, 'trove.db')), fixedClock());
  writeFileSync(jwksFile, JSON.stringify(await publicSigningKeys({ store })));
  await store.close();
});

describe('trove auditor', () => {
  it('adds a scoped auditor, printing the token and enrolment link once, and lists it without them', () => {
    const add = trove('auditor', 'add', '--name', 'Sam', '--brand', brandId, '--json');
    expect(add.status, add.stderr).toBe(0);
    const a = JSON.parse(add.stdout);
    expect(a).toMatchObject({
      name: 'Sam',
      brands: [brandId],
      token: expect.stringMatching(/^trv_au_/),
      enrol_url: expect.stringContaining('/auditor/enrol#trv_ae_'),
    });
    const list = trove('auditor', 'list', '--json');
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id: a.id, status: 'active', brands: [brandId], passkeys: 0 })]);
    expect(list.stdout).not.toContain(a.token);
    const disabled = trove('auditor', 'disable', a.id, '--json');
    expect(disabled.status, `${disabled.stderr}\n${disabled.stdout}`).toBe(0);
    expect(JSON.parse(disabled.stdout)).toEqual({ id: a.id, status: 'disabled' });
    expect(trove('auditor', 'enrol-link', a.id).status).toBe(2);
  });

  it('fails clearly on an unknown brand, a missing name or an unknown subcommand', () => {
    const unknown = trove('auditor', 'add', '--name', 'X', '--brand', 'brand_nope');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no brand with client id brand_nope');
    expect(trove('auditor', 'add').status).toBe(2);
    expect(trove('auditor', 'fire').status).toBe(2);
    expect(trove('auditor', '--help').stdout).toContain('trove auditor add --name NAME');
  });
});

describe('trove audit export and verify --export', () => {
  it('passes on a fresh export and fails naming the first bad line when one line is changed', () => {
    const file = join(dir, 'export.jsonl');
    const exp = trove('audit', 'export', '--out', file);
    expect(exp.status, exp.stderr).toBe(0);
    const ok = trove('audit', 'verify', '--export', file, '--jwks', jwksFile);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/export intact: \d+ events/);

    const lines = readFileSync(file, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes('"brand.registered"'));
    lines[i] = lines[i]!.replace('Audited Shoes', 'Audited Boots');
    writeFileSync(file, lines.join('\n'));
    const bad = trove('audit', 'verify', '--export', file, '--jwks', jwksFile);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`first bad line ${i + 1}`);
    const json = JSON.parse(trove('audit', 'verify', '--export', file, '--jwks', jwksFile, '--json').stdout);
    expect(json).toMatchObject({ ok: false, first_bad_line: i + 1 });
  });

  it('exports CSV with filters, and refuses bad filters and missing files with exit 2', () => {
    const csv = trove('audit', 'export', '--format', 'csv', '--brand', brandId);
    expect(csv.status, csv.stderr).toBe(0);
    expect(csv.stdout.split('\r\n')[0]).toMatch(/^seq,time,ts,id,/);
    expect(csv.stdout).toContain('brand.registered');
    expect(trove('audit', 'export', '--outcome', 'maybe').status).toBe(2);
    expect(trove('audit', 'export', '--format', 'xml').status).toBe(2);
    expect(trove('audit', 'verify', '--export', join(dir, 'missing.jsonl'), '--jwks', jwksFile).status).toBe(2);
    expect(trove('audit', 'verify', '--export', join(dir, 'export.jsonl')).status).toBe(2);
  });
});

describe('trove audit checkpoint', () => {
  it('signs a checkpoint at the current head on demand, which the exports then carry', () => {
    const res = trove('audit', 'checkpoint', '--json');
    expect(res.status, res.stderr).toBe(0);
    const cp = JSON.parse(res.stdout) as { size: number; note: string };
    expect(cp.size).toBeGreaterThan(0);
    const file = join(dir, 'after-checkpoint.jsonl');
    expect(trove('audit', 'export', '--out', file).status).toBe(0);
    const checkpoints = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'checkpoint');
    expect(checkpoints.some((c) => c.size === cp.size && c.note === cp.note)).toBe(true);
    expect(trove('audit', 'verify', '--export', file, '--jwks', jwksFile).status).toBe(0);
    // With the pinned log key, the checkpoints' signatures are checked too; another key fails them.
    const logKey = trove('audit', 'log-key').stdout.trim();
    expect(logKey).toMatch(/^[^+]+\+[0-9a-f]{8}\+/);
    const pinned = trove('audit', 'verify', '--export', file, '--jwks', jwksFile, '--log-key', logKey);
    expect(pinned.status, pinned.stdout).toBe(0);
    expect(pinned.stdout).toContain('signed by the pinned log key');
    const other = 'other.example/audit+55e517d5+AUMrxVD96k7GVFu4lwhCat/0JPeVLH8CWzIQ/6SB+lkG';
    const wrong = trove('audit', 'verify', '--export', file, '--jwks', jwksFile, '--log-key', other);
    expect(wrong.status).toBe(1);
  });
});

// `trove operator token create|list|revoke` on a node's own database: the token is
// printed once and kept only as its hash, never listed, logged or audited; revoking marks
// it revoked (the API's refusal of it is in test/http/admin-auth.test.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/crypto/hash.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-cli-operator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const trove = (...args: string[]) =>
  spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, TROVE_DATA_DIR: dir }, timeout: 60_000 });

describe('trove operator token', () => {
  it('creates a token shown once and stored as its hash, lists it without the token, and revokes it', () => {
    const made = trove('operator', 'token', 'create', '--name', 'ops laptop');
    expect(made.status, made.stderr).toBe(0);
    const token = /^token: (trv_op_[A-Za-z0-9_-]{43})$/m.exec(made.stdout)?.[1];
    const id = /^token_id: (op_\S+)$/m.exec(made.stdout)?.[1];
    expect(token).toBeDefined();
    expect(made.stdout).toContain('shown only now');
    expect(made.stderr).not.toContain(token);
    const db = new Database(join(dir, 'trove.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT token_hash, status FROM operator_tokens WHERE id = ?').get(id)).toEqual({ token_hash: hashSecret(token!), status: 'active' });
      expect(JSON.stringify(db.prepare('SELECT * FROM audit_events').all())).not.toContain(token);
    } finally {
      db.close();
    }
    const list = trove('operator', 'token', 'list', '--json');
    expect(JSON.parse(list.stdout)).toEqual([{ id, name: 'ops laptop', status: 'active', created_at: expect.any(String), revoked_at: null }]);
    expect(list.stdout).not.toContain('trv_op_');
    expect(trove('operator', 'token', 'revoke', id!).stdout).toBe(`revoked ${id}\n`);
    expect(JSON.parse(trove('operator', 'token', 'list', '--json').stdout)[0]).toMatchObject({ status: 'revoked', revoked_at: expect.any(String) });
  }, 120_000);

  it.each([
    [['operator'], /unknown operator subcommand/],
    [['operator', 'token'], /unknown operator token subcommand/],
    [['operator', 'token', 'revoke'], /needs a TOKEN_ID/],
    [['operator', 'token', 'revoke', 'op_nobody'], /No operator token with id op_nobody/],
  ])(
    'fails clearly for %j',
    (args, message) => {
      const r = trove(...args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
    },
    60_000,
  );
});

// The remote CLI against a real Trove process: with --url (or TROVE_URL) and
// TROVE_OPERATOR_TOKEN the same commands act over the operator API, and print what the
// local command prints for the same database, human and --json. The token is the
// server's configured TROVE_OPERATOR_TOKEN or one made with `trove operator token create`.
// (Each step spawns a CLI process, hence the long timeouts on a shared machine.)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveServer, type LiveServer } from '../helpers/live-server.ts';

const SECRET = 'remote-cli-test-operator-secret-0123456789';
const elsewhere = mkdtempSync(join(tmpdir(), 'trove-remote-cli-'));
let server: LiveServer;

beforeAll(async () => {
  // Private webhooks allowed: the demo shop's webhook is on loopback, as under npm run demo.
  server = await liveServer({ TROVE_OPERATOR_TOKEN: SECRET, TROVE_WEBHOOK_ALLOW_PRIVATE: 'true' });
  await server.start();
}, 60_000);
afterAll(async () => {
  await server?.cleanup();
  rmSync(elsewhere, { recursive: true, force: true });
});

const run = (env: Record<string, string | undefined>, args: string[]) =>
  spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 60_000 });
/** The CLI on another machine: no database of its own, only the URL and the token. */
const remote = (args: string[], token = SECRET) => run({ TROVE_DATA_DIR: elsewhere, TROVE_OPERATOR_TOKEN: token }, [...args, '--url', server.base]);
/** The CLI on the server's own database. */
const local = (args: string[]) => run(server.cliEnv(), args);

describe('the remote CLI', () => {
  it('registers a brand with --url, and lists and shows it exactly as the local command does', () => {
    const add = remote(['brand', 'add', '--name', 'Remote Shoes', '--redirect-uri', 'https://shoes.example/cb', '--secret', '--accepts', 'sd-base', '--json']);
    expect(add.status, add.stderr).toBe(0);
    const created = JSON.parse(add.stdout);
    expect(created).toEqual({ client_id: expect.stringMatching(/^brand_/), client_secret: expect.stringMatching(/^trv_cs_/) });
    for (const args of [
      ['brand', 'list', '--json'],
      ['brand', 'list'],
      ['brand', 'show', created.client_id, '--json'],
      ['brand', 'show', created.client_id],
    ]) {
      const there = remote(args);
      expect(there.status, there.stderr).toBe(0);
      expect(there.stdout, args.join(' ')).toBe(local(args).stdout);
    }
    expect(JSON.parse(remote(['brand', 'show', created.client_id, '--json']).stdout)).toMatchObject({ name: 'Remote Shoes', accepted_terms: ['sd-base'] });
    const off = remote(['brand', 'disable', created.client_id]);
    expect(off.stdout).toBe(`disabled ${created.client_id}\n`);
    expect(JSON.parse(local(['brand', 'show', created.client_id, '--json']).stdout).status).toBe('disabled');
  }, 120_000);

  it('uses a token made with trove operator token create, and every call is audited under its id', () => {
    const made = local(['operator', 'token', 'create', '--name', 'laptop', '--json']);
    expect(made.status, made.stderr).toBe(0);
    const token = JSON.parse(made.stdout) as { id: string; token: string };
    const a = remote(['auditor', 'add', '--name', 'Far Auditor', '--json'], token.token);
    expect(a.status, a.stderr).toBe(0);
    const auditor = JSON.parse(a.stdout);
    expect(auditor).toMatchObject({ name: 'Far Auditor', token: expect.stringMatching(/^trv_au_/) });
    expect(remote(['auditor', 'list'], token.token).stdout).toBe(local(['auditor', 'list']).stdout);
    expect(remote(['auditor', 'revoke', auditor.id], token.token).stdout).toBe(`disabled ${auditor.id}\n`);
    const rotated = remote(['keys', 'rotate'], token.token);
    expect(rotated.stdout).toMatch(/^new signing key sig-\S+; retired /);
    const out = join(elsewhere, 'export.jsonl');
    expect(remote(['audit', 'export', '--out', out], token.token).status).toBe(0);
    const events = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((e) => e.action);
    const byToken = events.filter((e) => e.actor_id === token.id).map((e) => e.action);
    expect(byToken).toEqual(['auditor.created', 'operator.queried', 'auditor.disabled', 'keys.signing_rotated', 'audit.exported']);
    expect(events.find((e) => e.action === 'brand.registered')).toMatchObject({ actor_type: 'operator', actor_id: 'env:TROVE_OPERATOR_TOKEN' });
    expect(readFileSync(out, 'utf8')).not.toContain(token.token);
    const verified = remote(['audit', 'verify'], token.token);
    expect(verified.status, verified.stderr).toBe(0);
    expect(verified.stdout).toMatch(/^audit log intact: \d+ events/);
    expect(verified.stdout).toContain(`self-check of ${new URL(server.base).origin}`);
    expect(JSON.parse(remote(['audit', 'verify', '--json'], token.token).stdout)).toMatchObject({ ok: true, trust: 'self-check' });
    // The demo shop seeded remotely; its credentials are kept on this machine for the demo site.
    const demo = remote(['demo', '--json'], token.token);
    expect(demo.status, demo.stderr).toBe(0);
    const seeded = JSON.parse(demo.stdout);
    expect(seeded).toMatchObject({ shop: 'stride', client_secret: expect.stringMatching(/^trv_cs_/), public_url: 'http://localhost:8788' });
    expect(JSON.parse(readFileSync(join(elsewhere, 'demo-brand.json'), 'utf8'))).toEqual(seeded);
    expect(JSON.parse(local(['brand', 'show', seeded.client_id, '--json']).stdout)).toMatchObject({ name: 'Stride & Co', status: 'active' });
  }, 120_000);

  it('fails as the local command fails: a refused token, bad input, a local-only operation, an unreachable Trove', () => {
    const refused = remote(['brand', 'list'], `trv_op_${'A'.repeat(43)}`);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/refused the operator token/);
    const bad = ['brand', 'add', '--name', 'X', '--redirect-uri', 'http://x.example/cb', '--secret'];
    const there = remote(bad);
    expect(there.status).toBe(2);
    expect(there.stderr).toBe(
      local(bad)
        .stderr.split('\n')
        .filter((l) => !l.startsWith('{'))
        .join('\n'),
    );
    const master = remote(['keys', 'rotate', '--master']);
    expect(master.status).toBe(2);
    expect(master.stderr).toMatch(/not with --url/);
    const noToken = run({ TROVE_DATA_DIR: elsewhere, TROVE_URL: server.base }, ['brand', 'list']);
    expect(noToken.status).toBe(2);
    expect(noToken.stderr).toMatch(/needs TROVE_OPERATOR_TOKEN/);
    const gone = run({ TROVE_DATA_DIR: elsewhere, TROVE_OPERATOR_TOKEN: SECRET }, ['brand', 'list', '--url', 'http://127.0.0.1:9']);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(/cannot reach http:\/\/127\.0\.0\.1:9/);
  }, 120_000);
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'trove-cli-brand-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const trove = (...args: string[]) =>
  spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, TROVE_DATA_DIR: dir } });

describe('trove brand', () => {
  it('adds a brand with a secret shown once, lists it, and disables it', () => {
    const add = trove('brand', 'add', '--name', 'Shoe Shop', '--redirect-uri', 'https://shoes.example/cb', '--secret', '--json');
    expect(add.status, add.stderr).toBe(0);
    const created = JSON.parse(add.stdout);
    expect(created).toEqual({ client_id: expect.stringMatching(/^brand_/), client_secret: expect.stringMatching(/^trv_cs_/) });
    const list = JSON.parse(trove('brand', 'list', '--json').stdout);
    expect(list).toEqual([expect.objectContaining({ client_id: created.client_id, name: 'Shoe Shop', status: 'active', auth_method: 'client_secret_basic' })]);
    expect(JSON.stringify(list)).not.toContain(created.client_secret);
    expect(trove('brand', 'disable', created.client_id).status).toBe(0);
    expect(JSON.parse(trove('brand', 'list', '--json').stdout)[0].status).toBe('disabled');
  });

  it('adds a private_key_jwt brand from a JWKS file and refuses private keys in it', () => {
    const pub = join(dir, 'pub.json');
    writeFileSync(pub, JSON.stringify({ keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: 'a' }] }));
    const ok = trove('brand', 'add', '--name', 'Coats', '--redirect-uri', 'https://coats.example/cb', '--jwks-file', pub, '--json');
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ client_id: expect.stringMatching(/^brand_/) });
    const priv = join(dir, 'priv.json');
    writeFileSync(
      priv,
      JSON.stringify({
        keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', d: 'nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A' }],
      }),
    );
    const bad = trove('brand', 'add', '--name', 'Leaky', '--redirect-uri', 'https://l.example/cb', '--jwks-file', priv);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/public keys only/);
  });

  it.each([
    [['brand', 'add', '--redirect-uri', 'https://x.example/cb', '--secret'], /--name is required/],
    [['brand', 'add', '--name', 'X', '--secret'], /--redirect-uri/],
    [['brand', 'add', '--name', 'X', '--redirect-uri', 'https://x.example/cb'], /exactly one of/],
    [['brand', 'add', '--name', 'X', '--redirect-uri', 'http://x.example/cb', '--secret'], /must be https/],
    [
      ['brand', 'add', '--name', 'X', '--redirect-uri', 'https://x.example/cb', '--jwks-uri', 'https://127.0.0.1:8443/jwks'],
      /jwks_uri points at a loopback address/,
    ],
    [
      ['brand', 'add', '--name', 'X', '--redirect-uri', 'https://x.example/cb', '--secret', '--webhook-url', 'https://[::ffff:127.0.0.1]/h'],
      /webhook_url points at an ipv4-mapped address/,
    ],
    [
      ['brand', 'add', '--name', 'X', '--redirect-uri', 'https://x.example/cb', '--secret', '--logo-uri', 'http://x.example/logo.png'],
      /logo_uri must be https/,
    ],
    [
      ['brand', 'add', '--name', 'X', '--redirect-uri', 'https://x.example/cb', '--secret', '--policy-uri', 'http://x.example/privacy'],
      /policy_uri must be https/,
    ],
    [['brand', 'disable'], /CLIENT_ID/],
    [['brand', 'disable', 'brand_nobody'], /No brand/],
    [['brand', 'frob'], /unknown brand subcommand/],
  ])('fails clearly for %j', (args, message) => {
    const res = trove(...args);
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(message);
  });
});

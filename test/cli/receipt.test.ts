import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { secretBrand } from '../helpers/brands.ts';
import { signedInConsumer } from '../helpers/consumer.ts';
import { sqliteTestDeps } from '../helpers/deps.ts';
import { tokensFor } from '../helpers/raw-oauth.ts';

const dir = mkdtempSync(join(tmpdir(), 'trove-receipt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const trove = (...args: string[]) =>
  spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, TROVE_DATA_DIR: dir } });

describe('trove receipt verify', () => {
  it('verifies a fetched receipt offline with the JWKS alone, and fails with exit 1 when one byte changes', async () => {
    const deps = await sqliteTestDeps();
    const app = createApp(deps);
    const me = await signedInConsumer(deps, app);
    const tokens = (await tokensFor(app, await secretBrand(deps), me)) as unknown as { receipt_id: string };
    const receipt = await (await me.call(`/api/me/receipts/${tokens.receipt_id}`)).json();
    const jwks = join(dir, 'jwks.json');
    writeFileSync(jwks, await (await app.request('/.well-known/jwks.json')).text());
    const good = join(dir, 'receipt.json');
    writeFileSync(good, JSON.stringify(receipt));

    const ok = trove('receipt', 'verify', good, '--jwks', jwks);
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/receipt valid/);
    expect(ok.stdout).toMatch(/email, shoe_size, birthdate/);
    expect(ok.stdout).toMatch(/10% off every order/);
    expect(ok.stdout).toMatch(/retention:\s+P30D/);

    const [h, p, s] = (receipt.jws as string).split('.') as [string, string, string];
    const payload = Buffer.from(p, 'base64url');
    payload[payload.indexOf('P30D') + 2] = '9'.charCodeAt(0); // P30D -> P39D
    const tampered = join(dir, 'tampered.jws');
    writeFileSync(tampered, `${h}.${payload.toString('base64url')}.${s}`);
    const bad = trove('receipt', 'verify', tampered, '--jwks', jwks);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/INVALID/);
  });

  it('fails clearly on a missing file', () => {
    const res = trove('receipt', 'verify', join(dir, 'nope.jws'), '--jwks', join(dir, 'nope.json'));
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/cannot read/);
  });
});

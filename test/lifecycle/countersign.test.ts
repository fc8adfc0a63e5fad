// Matching records: the brand countersigns the consent receipt — with its own key (a
// private_key_jwt brand's JWS over the receipt's id and hash), or, for a secret-based brand,
// by an authenticated acknowledgement that Trove records and signs — and the consumer
// downloads both; `trove receipt verify` checks the receipt and the countersignature.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as jose from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { ACK_TYP, countersignReceipt, receiptHash } from '../../src/features/grants/receipt-countersign.ts';
import { secretBrand } from '../helpers/brands.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { tokensFor } from '../helpers/raw-oauth.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let me: Caller;
const dir = mkdtempSync(join(tmpdir(), 'trove-countersign-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  deps = await testDeps();
  app = createApp(deps);
  me = await signedInConsumer(deps, app);
  await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'me@example.com' } });
  await me.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { system: 'EU', size: 42 } } });
});

const verifyCli = (file: string, ...flags: string[]) =>
  spawnSync(process.execPath, ['src/cli/trove.ts', 'receipt', 'verify', file, ...flags], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, TROVE_DATA_DIR: dir },
  });

describe('receipt countersignatures', () => {
  it('records a secret-based brand’s acknowledgement, once, audited, and the consumer downloads both records', async () => {
    const brand = await secretBrand(deps, 'Ack Shoes');
    const t = (await tokensFor(app, brand, me)) as Awaited<ReturnType<typeof tokensFor>> & { receipt_id: string };
    const bearer = { authorization: `Bearer ${t.access_token}`, 'content-type': 'application/json' };
    const res = await app.request(`/v1/grants/${t.grant_id}/receipt/countersign`, { method: 'POST', headers: bearer, body: '{}' });
    expect(res.status, await res.clone().text()).toBe(200);
    const ack = await res.json();
    expect(jose.decodeProtectedHeader(ack.countersignature).typ).toBe(ACK_TYP);
    expect(jose.decodeJwt(ack.countersignature)).toMatchObject({ sub: brand.clientId, receipt_id: t.receipt_id, method: 'client_secret' });
    expect((await app.request(`/v1/grants/${t.grant_id}/receipt/countersign`, { method: 'POST', headers: bearer, body: '{}' })).status).toBe(409);
    expect((await app.request(`/v1/grants/${t.grant_id}/receipt/countersign`, { method: 'POST', headers: bearer, body: '{"jws":"x.y.z"}' })).status).toBe(409);

    const mine = await (await me.call(`/api/me/receipts/${t.receipt_id}`)).json();
    expect(mine.countersignature).toBe(ack.countersignature);
    expect(receiptHash(mine.jws)).toBe(ack.receipt_sha256);
    const events = await deps.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'receipt.countersigned').execute();
    expect(events.map((e) => JSON.parse(e.detail!))).toEqual([{ receipt: t.receipt_id, sha256: ack.receipt_sha256, method: 'client_secret_basic' }]);

    // Offline: the receipt and the recorded acknowledgement, against Trove's keys.
    const file = join(dir, 'receipt.json');
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(file, JSON.stringify(mine));
    writeFileSync(jwksFile, JSON.stringify(deps.keys.allPublicKeys()));
    const ok = verifyCli(file, '--jwks', jwksFile);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`countersigned: acknowledged by ${brand.clientId}`);
    const forged = join(dir, 'forged.json');
    writeFileSync(forged, JSON.stringify({ ...mine, countersignature: ack.countersignature.replace(/.{4}$/, 'AAAA') }));
    expect(verifyCli(forged, '--jwks', jwksFile).status).toBe(1);
  });

  it('takes a private_key_jwt brand’s own JWS over the receipt’s hash, and refuses one over anything else', async () => {
    const brand = await secretBrand(deps, 'Keyed Shoes');
    const t = (await tokensFor(app, brand, me)) as Awaited<ReturnType<typeof tokensFor>> & { receipt_id: string };
    // The brand moves to private_key_jwt with its own Ed25519 key.
    const { privateKey, publicKey } = await jose.generateKeyPair('Ed25519', { extractable: true });
    const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1' };
    await deps.store.db
      .updateTable('brands')
      .set({ auth_method: 'private_key_jwt', jwks: JSON.stringify({ keys: [jwk] }), secret_hash: null })
      .where('id', '=', brand.clientId)
      .execute();
    const receipt = await deps.store.db.selectFrom('receipts').selectAll().where('id', '=', t.receipt_id).executeTakeFirstOrThrow();
    const sign = (claims: Record<string, unknown>) =>
      new jose.SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', typ: ACK_TYP, kid: 'k1' })
        .setIssuer(brand.clientId)
        .setAudience(deps.config.origin)
        .setIssuedAt(Math.floor(deps.clock.now() / 1000))
        .sign(privateKey);
    await expect(countersignReceipt(deps, brand.clientId, t.grant_id, {})).rejects.toThrow(/jws: required/);
    await expect(
      countersignReceipt(deps, brand.clientId, t.grant_id, { jws: await sign({ receipt_id: t.receipt_id, receipt_sha256: 'another' }) }),
    ).rejects.toThrow(/over another receipt/);
    const good = await sign({ receipt_id: t.receipt_id, receipt_sha256: receiptHash(receipt.jws) });
    expect(await countersignReceipt(deps, brand.clientId, t.grant_id, { jws: good })).toMatchObject({ receipt_id: t.receipt_id, countersignature: good });

    const mine = await (await me.call(`/api/me/receipts/${t.receipt_id}`)).json();
    const file = join(dir, 'keyed.json');
    const jwksFile = join(dir, 'jwks2.json');
    const brandJwks = join(dir, 'brand-jwks.json');
    writeFileSync(file, JSON.stringify(mine));
    writeFileSync(jwksFile, JSON.stringify(deps.keys.allPublicKeys()));
    writeFileSync(brandJwks, JSON.stringify({ keys: [jwk] }));
    const ok = verifyCli(file, '--jwks', jwksFile, '--brand-jwks', brandJwks);
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`countersigned: by ${brand.clientId}, with its own key`);
    expect(verifyCli(file, '--jwks', jwksFile).stdout).toContain('give its public keys with --brand-jwks');
  });
});

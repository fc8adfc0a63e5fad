import { describe, expect, it } from 'vitest';
import { boot } from '../../src/boot.ts';
import { mintAccessToken, verifyAccessToken } from '../../src/features/grants/access-token.ts';
import { signJws, verifyJws } from '../../src/crypto/signing.ts';
import { loadKeyRing, MasterKeyMismatch, SIGNING_OVERLAP_MS } from '../../src/features/keys/keyring.ts';
import { rotateSigningKey } from '../../src/features/keys/rotate-signing.ts';
import { testDeps, TEST_MASTER_KEY } from '../helpers/deps.ts';

describe('the master key', () => {
  it('refuses to load the key ring with a different master key', async () => {
    const deps = await testDeps();
    const wrong = new Uint8Array(32).fill(9);
    await expect(loadKeyRing(deps, wrong)).rejects.toThrow(MasterKeyMismatch);
  });
});

describe('signing-key rotation', () => {
  it('keeps earlier signatures verifiable through the JWKS during the overlap, and drops the old key after it', async () => {
    const deps = await testDeps();
    const oldKid = deps.keys.signer.kid;
    const jws = await signJws(deps.keys.signer, { hello: 'world' }, 'test+jws');

    const { kid } = await rotateSigningKey(deps);
    const ring = await loadKeyRing(deps, TEST_MASTER_KEY);
    expect(ring.signer.kid).toBe(kid);
    expect(kid).not.toBe(oldKid);

    const published = ring.jwks(deps.clock.now());
    expect(published.keys.map((k) => k.kid).sort()).toEqual([oldKid, kid].sort());
    await expect(verifyJws(jws, published)).resolves.toEqual({ hello: 'world' });

    const later = ring.jwks(deps.clock.now() + SIGNING_OVERLAP_MS + 1);
    expect(later.keys.map((k) => k.kid)).toEqual([kid]);
    await expect(verifyJws(jws, later)).rejects.toThrow();
  });

  it('publishes only public members', async () => {
    const deps = await testDeps();
    await rotateSigningKey(deps);
    const ring = await loadKeyRing(deps, TEST_MASTER_KEY);
    for (const k of ring.jwks(deps.clock.now()).keys) {
      expect(k).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
      expect(k).not.toHaveProperty('d');
    }
  });
});

describe('signing-key rotation on several nodes', () => {
  it('reaches another node without a restart: its JWKS lists the new key once its key cache expires', async () => {
    const a = await testDeps();
    const b = await boot(a, new Uint8Array(TEST_MASTER_KEY), []);
    const { kid } = await rotateSigningKey(a);
    expect(a.keys.signer.kid).toBe(kid);
    expect(b.keys.jwks(a.clock.now()).keys.map((k) => k.kid)).not.toContain(kid);

    a.clock.advance(b.config.keyCacheMs - 1);
    expect(b.keys.fresh(a.clock.now())).toBeUndefined();
    a.clock.advance(1);
    await b.keys.fresh(a.clock.now());
    expect(b.keys.jwks(a.clock.now()).keys.map((k) => k.kid)).toContain(kid);
    expect(b.keys.signer.kid).toBe(kid);
  });

  it('accepts at once a token signed by a key another node has just made', async () => {
    const a = await testDeps();
    const b = await boot(a, new Uint8Array(TEST_MASTER_KEY), []);
    await rotateSigningKey(a);
    const { token } = await mintAccessToken(a, { brandId: 'brand-1', sub: 'subject-1' });
    expect(b.keys.jwks(a.clock.now()).keys.map((k) => k.kid)).not.toContain(a.keys.signer.kid);
    expect(await verifyAccessToken(b, token)).toMatchObject({ client_id: 'brand-1', sub: 'subject-1' });
  });

  it('refuses a token that names a key nobody made, without re-reading the keys more than once a second', async () => {
    const a = await testDeps();
    const { token } = await mintAccessToken(a, { brandId: 'brand-1', sub: 'subject-1' });
    const [header, payload, signature] = token.split('.');
    const forged = [
      Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(header!, 'base64url').toString()), kid: 'sig-nobody' })).toString('base64url'),
      payload,
      signature,
    ].join('.');
    const reads: number[] = [];
    const original = a.store.db.selectFrom.bind(a.store.db);
    (a.store.db as { selectFrom: unknown }).selectFrom = ((t: never) => {
      if (t === 'keys') reads.push(a.clock.now());
      return original(t);
    }) as never;
    expect(await verifyAccessToken(a, forged)).toBeNull();
    expect(await verifyAccessToken(a, forged)).toBeNull();
    expect(reads).toHaveLength(1);
  });
});

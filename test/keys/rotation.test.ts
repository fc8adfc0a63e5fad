import { describe, expect, it } from 'vitest';
import { signJws, verifyJws } from '../../src/crypto/signing.ts';
import { readAttributes, writeAttributes } from '../../src/features/profile/attribute-values.ts';
import { loadKeyRing, MasterKeyMismatch, SIGNING_OVERLAP_MS } from '../../src/features/keys/keyring.ts';
import { rotateMasterKey } from '../../src/features/keys/rotate-master.ts';
import { rotateSigningKey } from '../../src/features/keys/rotate-signing.ts';
import { verifyAuditLog } from '../../src/features/audit/verify.ts';
import { seedConsumer, testDeps, TEST_MASTER_KEY } from '../helpers/deps.ts';

describe('master-key rotation', () => {
  it('re-wraps every data key under the new KEK and keeps every value readable', async () => {
    const deps = await testDeps();
    const consumers = [await seedConsumer(deps), await seedConsumer(deps), await seedConsumer(deps)];
    for (const [i, id] of consumers.entries()) {
      await writeAttributes(deps, id, [{ name: 'email', value: `person${i}@example.com` }, { name: 'shoe_size', value: '4' + i }]);
    }
    const before = await deps.store.db.selectFrom('attributes').selectAll().orderBy('consumer_id').orderBy('name').execute();
    const wrappedBefore = await deps.store.db.selectFrom('consumers').select(['id', 'data_key_wrapped', 'kek_version']).execute();

    const result = await rotateMasterKey(deps);
    expect(result).toMatchObject({ from: 1, to: 2, dataKeys: 3 });

    const wrappedAfter = await deps.store.db.selectFrom('consumers').select(['id', 'data_key_wrapped', 'kek_version']).execute();
    for (const row of wrappedAfter) {
      expect(row.kek_version).toBe(2);
      expect(row.data_key_wrapped).not.toBe(wrappedBefore.find((b) => b.id === row.id)!.data_key_wrapped);
    }
    // Attribute ciphertexts are untouched by a KEK rotation.
    expect(await deps.store.db.selectFrom('attributes').selectAll().orderBy('consumer_id').orderBy('name').execute()).toEqual(before);

    const reloaded = { ...deps, keys: await loadKeyRing(deps, TEST_MASTER_KEY) };
    expect(reloaded.keys.kekVersion).toBe(2);
    for (const [i, id] of consumers.entries()) {
      const values = await readAttributes(reloaded, id);
      expect(values.map((v) => v.value)).toEqual([`person${i}@example.com`, `4${i}`]);
    }
    const kekRows = await deps.store.db.selectFrom('keys').select(['id', 'status']).where('kind', '=', 'kek').orderBy('version').execute();
    expect(kekRows).toEqual([{ id: 'kek-1', status: 'retired' }, { id: 'kek-2', status: 'active' }]);
  });

  it('refuses to load the key ring with a different master key', async () => {
    const deps = await testDeps();
    const wrong = new Uint8Array(32).fill(9);
    await expect(loadKeyRing(deps, wrong)).rejects.toThrow(MasterKeyMismatch);
  });

  it('audits the rotation and the chain still verifies', async () => {
    const deps = await testDeps();
    await rotateMasterKey(deps);
    const actions = await deps.store.db.selectFrom('audit_events').select('action').orderBy('seq').execute();
    expect(actions.map((a) => a.action)).toEqual(['keys.created', 'operator.migrations_applied', 'keys.master_rotated']);
    expect((await verifyAuditLog(deps.store.db, deps.keys.allPublicKeys())).ok).toBe(true);
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

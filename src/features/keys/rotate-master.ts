// Master-key rotation: a new KEK version re-wraps every consumer data key and every
// wrapped private key in one commit. Attribute ciphertexts are untouched, since they
// are sealed under data keys that do not change.
import type { Deps } from '../../deps.ts';
import { unwrapDataKey, unwrapKeyMaterial, wrapDataKey, wrapKeyMaterial } from '../../crypto/envelope.ts';
import { commit } from '../audit/commit.ts';
import { kekRow } from './key-rows.ts';

export async function rotateMasterKey(deps: Deps): Promise<{ from: number; to: number; dataKeys: number; keys: number }> {
  const db = deps.store.db;
  const now = deps.clock.now();
  const keks = await db.selectFrom('keys').select(['version']).where('kind', '=', 'kek').execute();
  const to = Math.max(0, ...keks.map((r) => r.version)) + 1;
  const from = deps.keys.kekVersion;
  const newKek = deps.keys.kek(to);

  const consumers = await db
    .selectFrom('consumers').select(['id', 'data_key_wrapped', 'data_key_nonce', 'kek_version'])
    .where('data_key_wrapped', 'is not', null).execute();
  const rewrapConsumers = consumers.map((c) => {
    const dataKey = unwrapDataKey(deps.sodium, deps.keys.kek(c.kek_version!), c.kek_version!, c.id, {
      ciphertext: c.data_key_wrapped!, nonce: c.data_key_nonce!,
    });
    const w = wrapDataKey(deps.sodium, newKek, to, c.id, dataKey);
    dataKey.fill(0);
    return db.updateTable('consumers')
      .set({ data_key_wrapped: w.ciphertext, data_key_nonce: w.nonce, kek_version: to })
      .where('id', '=', c.id).where('kek_version', '=', c.kek_version);
  });

  const wrappedKeys = await db
    .selectFrom('keys').select(['id', 'wrapped', 'nonce', 'kek_version']).where('wrapped', 'is not', null).execute();
  const rewrapKeys = wrappedKeys.map((k) => {
    const material = unwrapKeyMaterial(deps.sodium, deps.keys.kek(k.kek_version!), k.kek_version!, k.id, {
      ciphertext: k.wrapped!, nonce: k.nonce!,
    });
    const w = wrapKeyMaterial(deps.sodium, newKek, to, k.id, material);
    material.fill(0);
    return db.updateTable('keys').set({ wrapped: w.ciphertext, nonce: w.nonce, kek_version: to }).where('id', '=', k.id);
  });

  await commit(deps, {
    writes: [
      db.updateTable('keys').set({ status: 'retired', retired_at: now }).where('kind', '=', 'kek').where('status', '=', 'active'),
      kekRow({ db, sodium: deps.sodium, now }, newKek, to),
      ...rewrapConsumers,
      ...rewrapKeys,
    ],
    audit: [{
      action: 'keys.master_rotated', outcome: 'success', actor_type: 'operator',
      detail: { from_kek: from, to_kek: to, data_keys: rewrapConsumers.length, keys: rewrapKeys.length },
    }],
  });
  return { from, to, dataKeys: rewrapConsumers.length, keys: rewrapKeys.length };
}

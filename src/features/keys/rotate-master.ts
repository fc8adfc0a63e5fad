// Master-key rotation: moves the vault from the previous master key to TROVE_MASTER_KEY.
// A new KEK version is derived from the new key and becomes active; then every consumer
// data key and every wrapped private key is re-wrapped under it in batches, each its own
// commit. A crash between batches leaves every key openable with the old or the new
// master key, and running the command again finishes the job. Once it reports done,
// nothing is wrapped under a KEK of the old key, which may then be destroyed.
// Attribute ciphertexts are untouched: they are sealed under data keys that do not change.
import type { Deps } from '../../deps.ts';
import { Conflict } from '../../errors.ts';
import { unwrapDataKey, unwrapKeyMaterial, wrapDataKey, wrapKeyMaterial } from '../../crypto/envelope.ts';
import { commit } from '../audit/commit.ts';
import { kekRow } from './key-rows.ts';

export type MasterRotation = { from: number; to: number; dataKeys: number; keys: number; resumed: boolean };
export type RotationProgress = { dataKeys: number; keys: number; remaining: number };

const BATCH = 500;

export async function rotateMasterKey(
  deps: Deps,
  opts: { batchSize?: number; onBatch?: (p: RotationProgress) => void | Promise<void> } = {},
): Promise<MasterRotation> {
  await deps.keys.reload(deps.clock.now(), { force: true });
  const _db = deps.store.db;
  const from = deps.keys.kekVersion;
  let resumed = true;
  if (!deps.keys.activeFromCurrent) {
    resumed = false;
    await startRotation(deps, from);
  } else if ((await remaining(deps)) === 0) {
    throw new Conflict(
      "TROVE_MASTER_KEY already is this vault's master key and nothing is left to re-wrap. To rotate, set TROVE_MASTER_KEY " +
        'to a new key and TROVE_PREVIOUS_MASTER_KEYS to the current one, then run this again.',
    );
  }
  const to = deps.keys.kekVersion;
  const size = opts.batchSize ?? BATCH;
  const done = { dataKeys: 0, keys: 0 };
  const total = await remaining(deps);
  // A node that has not yet re-read the keys may still wrap a new consumer's key under the
  // old KEK: a second pass catches those (sign-up refuses a KEK that is no longer active).
  for (let pass = 0; (await remaining(deps)) > 0; pass++) {
    if (pass === 3) throw new Error('keys keep appearing under an old key-encryption key: is a node running without TROVE_MASTER_KEY set to the new key?');
    await rewrapPass(deps, to, size, async (consumers, keys) => {
      done.dataKeys += consumers;
      done.keys += keys;
      await opts.onBatch?.({ ...done, remaining: Math.max(0, total - done.dataKeys - done.keys) });
    });
  }

  await commit(deps, {
    audit: [
      {
        action: 'keys.master_rotated',
        outcome: 'success',
        actor_type: 'operator',
        detail: { from_kek: from, to_kek: to, data_keys: done.dataKeys, keys: done.keys, resumed },
      },
    ],
  });
  await deps.keys.reload(deps.clock.now(), { force: true });
  return { from: resumed ? to - 1 : from, to, ...done, resumed };
}

/** Creates the new KEK under the current master key and makes it the active one. */
async function startRotation(deps: Deps, from: number) {
  const db = deps.store.db;
  const now = deps.clock.now();
  const versions = await db.selectFrom('keys').select('version').where('kind', '=', 'kek').execute();
  const to = Math.max(0, ...versions.map((r) => r.version)) + 1;
  const kek = deps.keys.masters.deriveCurrent(to);
  await commit(deps, {
    guards: [
      {
        name: 'kek_still_active',
        changes: db.updateTable('keys').set({ status: 'retired', retired_at: now }).where('id', '=', `kek-${from}`).where('status', '=', 'active'),
      },
    ],
    writes: [kekRow({ db, sodium: deps.sodium, now }, kek, to)],
    audit: [{ action: 'keys.master_rotation_started', outcome: 'success', actor_type: 'operator', detail: { from_kek: from, to_kek: to } }],
  });
  kek.fill(0);
  await deps.keys.reload(now, { force: true });
}

async function remaining(deps: Deps): Promise<number> {
  const db = deps.store.db;
  const active = deps.keys.kekVersion;
  const [c, k] = await Promise.all([
    db
      .selectFrom('consumers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kek_version', '<>', active)
      .where('data_key_wrapped', 'is not', null)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kek_version', '<>', active)
      .where('wrapped', 'is not', null)
      .executeTakeFirstOrThrow(),
  ]);
  return Number(c.n) + Number(k.n);
}

/** One walk over consumers and then key rows in id order, re-wrapping what is under another KEK. */
async function rewrapPass(deps: Deps, to: number, size: number, batchDone: (consumers: number, keys: number) => Promise<void>) {
  const db = deps.store.db;
  const newKek = deps.keys.kek(to);
  for (let after = ''; ; ) {
    const rows = await db
      .selectFrom('consumers')
      .select(['id', 'data_key_wrapped', 'data_key_nonce', 'kek_version'])
      .where('id', '>', after)
      .where('kek_version', '<>', to)
      .where('data_key_wrapped', 'is not', null)
      .orderBy('id')
      .limit(size)
      .execute();
    if (!rows.length) break;
    after = rows[rows.length - 1]!.id;
    await commit(deps, {
      writes: rows.map((c) => {
        const dataKey = unwrapDataKey(deps.sodium, deps.keys.kek(c.kek_version!), c.kek_version!, c.id, {
          ciphertext: c.data_key_wrapped!,
          nonce: c.data_key_nonce!,
        });
        const w = wrapDataKey(deps.sodium, newKek, to, c.id, dataKey);
        dataKey.fill(0);
        // Only the row as read: an erasure that got there first wins.
        return db
          .updateTable('consumers')
          .set({ data_key_wrapped: w.ciphertext, data_key_nonce: w.nonce, kek_version: to })
          .where('id', '=', c.id)
          .where('kek_version', '=', c.kek_version)
          .where('data_key_wrapped', '=', c.data_key_wrapped);
      }),
    });
    await batchDone(rows.length, 0);
  }
  const keys = await db
    .selectFrom('keys')
    .select(['id', 'wrapped', 'nonce', 'kek_version'])
    .where('kek_version', '<>', to)
    .where('wrapped', 'is not', null)
    .orderBy('id')
    .execute();
  if (!keys.length) return;
  await commit(deps, {
    writes: keys.map((k) => {
      const material = unwrapKeyMaterial(deps.sodium, deps.keys.kek(k.kek_version!), k.kek_version!, k.id, { ciphertext: k.wrapped!, nonce: k.nonce! });
      const w = wrapKeyMaterial(deps.sodium, newKek, to, k.id, material);
      material.fill(0);
      return db
        .updateTable('keys')
        .set({ wrapped: w.ciphertext, nonce: w.nonce, kek_version: to })
        .where('id', '=', k.id)
        .where('kek_version', '=', k.kek_version);
    }),
  });
  await batchDone(0, keys.length);
}

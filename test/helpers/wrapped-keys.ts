// What an operator with the database and a master key can open: every wrapped data key
// and private key in the keys and consumers tables, tried against the KEK that a given
// master key derives for the row's KEK version.
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/schema.ts';
import type { Sodium } from '../../src/crypto/sodium.ts';
import { deriveKek, unwrapDataKey, unwrapKeyMaterial } from '../../src/crypto/envelope.ts';

export type WrappedCount = { total: number; opened: number };

/** How many wrapped keys open under KEKs derived from `master` (row's own KEK version). */
export async function wrappedKeysOpenedBy(db: Kysely<Database>, sodium: Sodium, master: Uint8Array): Promise<WrappedCount> {
  const consumers = await db
    .selectFrom('consumers')
    .select(['id', 'data_key_wrapped', 'data_key_nonce', 'kek_version'])
    .where('data_key_wrapped', 'is not', null)
    .execute();
  const keys = await db.selectFrom('keys').select(['id', 'wrapped', 'nonce', 'kek_version']).where('wrapped', 'is not', null).execute();
  let opened = 0;
  const tryOpen = (fn: () => Uint8Array) => {
    try {
      fn();
      opened += 1;
    } catch {
      // does not open under this key
    }
  };
  for (const c of consumers) {
    tryOpen(() =>
      unwrapDataKey(sodium, deriveKek(sodium, master, c.kek_version!), c.kek_version!, c.id, { ciphertext: c.data_key_wrapped!, nonce: c.data_key_nonce! }),
    );
  }
  for (const k of keys) {
    tryOpen(() => unwrapKeyMaterial(sodium, deriveKek(sodium, master, k.kek_version!), k.kek_version!, k.id, { ciphertext: k.wrapped!, nonce: k.nonce! }));
  }
  return { total: consumers.length + keys.length, opened };
}

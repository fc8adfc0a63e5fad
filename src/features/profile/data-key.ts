// Unwraps a consumer's data key for sealing or opening their attributes. An erased
// consumer has no key any more: their ciphertexts are unreadable by design.
import type { Deps } from '../../deps.ts';
import { unwrapDataKey } from '../../crypto/envelope.ts';
import { prepared, rows } from '../../db/prepared.ts';
import type { ConsumerRow } from '../../db/schema.ts';
import { NotFound } from '../../errors.ts';

const wrappedKey = prepared((db, p: { consumerId: string }) =>
  db.selectFrom('consumers').select(['data_key_wrapped', 'data_key_nonce', 'kek_version']).where('id', '=', p.consumerId).where('status', '=', 'active'),
);

export type WrappedKey = Pick<ConsumerRow, 'data_key_wrapped' | 'data_key_nonce' | 'kek_version'>;

/** The consumer's data key from their row (read by the caller); NotFound once erased. */
export function unwrapConsumerKey(deps: Deps, consumerId: string, row: WrappedKey | undefined): Uint8Array {
  if (!row?.data_key_wrapped || !row.data_key_nonce || row.kek_version === null) throw new NotFound('No such consumer.');
  return unwrapDataKey(deps.sodium, deps.keys.kek(row.kek_version), row.kek_version, consumerId, {
    ciphertext: row.data_key_wrapped,
    nonce: row.data_key_nonce,
  });
}

export async function dataKeyFor(deps: Deps, consumerId: string): Promise<Uint8Array> {
  const [row] = await rows(deps.store.db, wrappedKey(deps.store.db, { consumerId }));
  return unwrapConsumerKey(deps, consumerId, row);
}

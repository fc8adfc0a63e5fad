// A consumer's data key, for sealing or opening their attributes. Reads open values
// with the key still wrapped (it is unwrapped and used on libsodium's heap only); writes
// unwrap it to seal. An erased consumer has no key any more: their ciphertexts are
// unreadable by design.
import type { Deps } from '../../deps.ts';
import { openAttributesUnder, unwrapDataKey, type AttributeSlot } from '../../crypto/envelope.ts';
import type { Sealed } from '../../crypto/aead.ts';
import { prepared, rows } from '../../db/prepared.ts';
import type { ConsumerRow } from '../../db/schema.ts';
import { NotFound } from '../../errors.ts';

const wrappedKey = prepared((db, p: { consumerId: string }) =>
  db.selectFrom('consumers').select(['data_key_wrapped', 'data_key_nonce', 'kek_version']).where('id', '=', p.consumerId).where('status', '=', 'active'),
);

export type WrappedKey = Pick<ConsumerRow, 'data_key_wrapped' | 'data_key_nonce' | 'kek_version'>;

/** The wrapped key of the consumer's row (read by the caller) and its KEK version; NotFound once erased. */
function wrappedOf(row: WrappedKey | undefined): { sealed: Sealed; kekVersion: number } {
  if (!row?.data_key_wrapped || !row.data_key_nonce || row.kek_version === null) throw new NotFound('No such consumer.');
  return { sealed: { ciphertext: row.data_key_wrapped, nonce: row.data_key_nonce }, kekVersion: row.kek_version };
}

/** The consumer's data key from their row (read by the caller), for sealing; NotFound once erased. */
export function unwrapConsumerKey(deps: Deps, consumerId: string, row: WrappedKey | undefined): Uint8Array {
  const { sealed, kekVersion } = wrappedOf(row);
  return unwrapDataKey(deps.sodium, deps.keys.kek(kekVersion), kekVersion, consumerId, sealed);
}

/** Opens the consumer's values under the key of their row (read by the caller); NotFound once erased. */
export function openUnderConsumerKey(
  deps: Deps,
  consumerId: string,
  row: WrappedKey | undefined,
  values: readonly { slot: AttributeSlot; sealed: Sealed }[],
): string[] {
  const { sealed, kekVersion } = wrappedOf(row);
  return openAttributesUnder(deps.sodium, deps.keys.kek(kekVersion), kekVersion, consumerId, sealed, values);
}

/** The consumer's wrapped key, as their row holds it (undefined once erased). */
export async function wrappedKeyOf(deps: Deps, consumerId: string): Promise<WrappedKey | undefined> {
  const [row] = await rows(deps.store.db, wrappedKey(deps.store.db, { consumerId }));
  return row;
}

export async function dataKeyFor(deps: Deps, consumerId: string): Promise<Uint8Array> {
  return unwrapConsumerKey(deps, consumerId, await wrappedKeyOf(deps, consumerId));
}

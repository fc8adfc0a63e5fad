// Creates a consumer with a fresh random data key, wrapped under the active KEK with
// AAD naming the consumer and KEK version. The plaintext key never reaches the database.
// The KEK must still be the active one when the row commits: during a master-key
// rotation a node that has not yet re-read the keys would otherwise wrap a new key
// under a KEK whose master key is about to be destroyed.
import type { Deps } from '../../deps.ts';
import type { Guard } from '../../db/store.ts';
import { newDataKey, wrapDataKey } from '../../crypto/envelope.ts';
import { newId } from '../../crypto/random.ts';

export const KEK_ACTIVE_GUARD = 'kek_active';

/** The insert for a new consumer row and its guard; the caller commits them with its own audit event. */
export function newConsumer(deps: Deps, id = newId()): { id: string; insert: ReturnType<typeof insertConsumer>; guard: Guard } {
  const guard: Guard = {
    name: KEK_ACTIVE_GUARD,
    exists: deps.store.db.selectFrom('keys').select('id').where('id', '=', `kek-${deps.keys.kekVersion}`).where('status', '=', 'active'),
  };
  return { id, insert: insertConsumer(deps, id), guard };
}

function insertConsumer(deps: Deps, id: string) {
  const dataKey = newDataKey();
  const wrapped = wrapDataKey(deps.sodium, deps.keys.kek(deps.keys.kekVersion), deps.keys.kekVersion, id, dataKey);
  dataKey.fill(0);
  return deps.store.db.insertInto('consumers').values({
    id,
    status: 'active',
    data_key_wrapped: wrapped.ciphertext,
    data_key_nonce: wrapped.nonce,
    kek_version: deps.keys.kekVersion,
    created_at: deps.clock.now(),
    erased_at: null,
  });
}

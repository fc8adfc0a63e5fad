// Creates a consumer with a fresh random data key, wrapped under the active KEK with
// AAD naming the consumer and KEK version. The plaintext key never reaches the database.
import type { Deps } from '../../deps.ts';
import { newDataKey, wrapDataKey } from '../../crypto/envelope.ts';
import { newId } from '../../crypto/random.ts';

/** The insert for a new consumer row; the caller commits it with its own audit event. */
export function newConsumer(deps: Deps, id = newId()): { id: string; insert: ReturnType<typeof insertConsumer> } {
  return { id, insert: insertConsumer(deps, id) };
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

// Short texts about a consumer that are not attributes (persona labels, value-ledger
// descriptions) sealed under the consumer's data key, with AAD naming their row, so
// erasure shreds them with the profile and a database copy shows none of them.
import type { Deps } from '../../deps.ts';
import { open, seal, type Sealed } from '../../crypto/aead.ts';
import { fromUtf8, utf8 } from '../../crypto/encoding.ts';

export const personaLabelAad = (consumerId: string, name: string) => `trove:persona-label:v1|${consumerId}|${name}`;
export const valueTextAad = (consumerId: string, valueId: string) => `trove:value-text:v1|${consumerId}|${valueId}`;

export function sealText(deps: Pick<Deps, 'sodium'>, dataKey: Uint8Array, aad: string, text: string): Sealed {
  return seal(deps.sodium, dataKey, utf8.encode(text), aad);
}

/** Opens a sealed text; a row from before sealing (no nonce) holds its text as it was. */
export function openText(deps: Pick<Deps, 'sodium'>, dataKey: Uint8Array, aad: string, text: string, nonce: string | null): string {
  if (nonce === null) return text;
  return fromUtf8.decode(open(deps.sodium, dataKey, { ciphertext: text, nonce }, aad));
}

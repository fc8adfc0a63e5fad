// Subkey derivation (libsodium's crypto_kdf, BLAKE2b) on libsodium's WASM heap, so that
// neither the master key nor the derived key is left there: libsodium-wrappers' helper
// frees its copy of the master key and of the output without wiping them.
import { rawSodium, withScratch } from './sodium-heap.ts';
import type { Sodium } from './sodium.ts';

const KEY = 32;
const CONTEXT = 8; // crypto_kdf_CONTEXTBYTES

/** The `length`-byte subkey number `id` (0 … 2^53) of `key` in an 8-character context. */
export function deriveSubkey(sodium: Sodium, key: Uint8Array, id: number, context: string, length = 32): Uint8Array {
  if (!(key instanceof Uint8Array) || key.length !== KEY) throw new TypeError('invalid key length');
  if (!/^[\x20-\x7e]{8}$/.test(context)) throw new TypeError('the context must be 8 printable ASCII characters');
  if (!Number.isSafeInteger(id) || id < 0) throw new TypeError('the subkey id must be a non-negative integer');
  if (!Number.isInteger(length) || length < 16 || length > 64) throw new TypeError('subkeys are 16 to 64 bytes');
  const raw = rawSodium(sodium);
  return withScratch(raw, KEY + CONTEXT + 1 + length, 'kdf', (heap, at) => {
    const k = at,
      ctx = k + KEY,
      out = ctx + CONTEXT + 1;
    heap.set(key, k);
    for (let i = 0; i < CONTEXT; i++) heap[ctx + i] = context.charCodeAt(i);
    heap[ctx + CONTEXT] = 0;
    // The 64-bit id as (low, high) 32-bit halves.
    if (raw._crypto_kdf_derive_from_key(out, length, id % 2 ** 32, Math.floor(id / 2 ** 32), ctx, k) !== 0) throw new Error('key derivation failed');
    return heap.slice(out, out + length);
  });
}

// libsodium's compiled module underneath libsodium-wrappers, for calls that manage their
// own memory on its WASM heap. The rule it enforces: scratch memory holds keys and
// plaintexts, so it is zeroed before it is freed, on every path out — and what libsodium
// itself leaves on its stack is overwritten too. libsodium wipes its key schedules and
// subkeys, but its ChaCha20 passes a value's last partial block (under 64 bytes: a whole
// 32-byte data key, most attribute values) through a stack buffer it does not clear, and
// the KDF leaves its output there; the same call on zero inputs right afterwards reuses
// those frames and overwrites them with public bytes.
import type { Sodium } from './sodium.ts';

/** The exports of libsodium's module Trove calls directly (C signatures, 64-bit integers split in two). */
export type RawSodium = {
  HEAPU8: Uint8Array;
  _malloc(size: number): number;
  _free(ptr: number): void;
  _crypto_aead_xchacha20poly1305_ietf_encrypt(
    c: number,
    clenP: number,
    m: number,
    mlenLo: number,
    mlenHi: number,
    ad: number,
    adlenLo: number,
    adlenHi: number,
    nsec: number,
    npub: number,
    k: number,
  ): number;
  _crypto_aead_xchacha20poly1305_ietf_decrypt(
    m: number,
    mlenP: number,
    nsec: number,
    c: number,
    clenLo: number,
    clenHi: number,
    ad: number,
    adlenLo: number,
    adlenHi: number,
    npub: number,
    k: number,
  ): number;
  _crypto_kdf_derive_from_key(subkey: number, subkeyLen: number, idLo: number, idHi: number, ctx: number, key: number): number;
};

const NEEDS = [
  '_malloc',
  '_free',
  '_crypto_aead_xchacha20poly1305_ietf_encrypt',
  '_crypto_aead_xchacha20poly1305_ietf_decrypt',
  '_crypto_kdf_derive_from_key',
] as const;
const checked = new WeakMap<object, RawSodium>();

/** The module libsodium-wrappers loaded (sodium.libsodium), checked once to have what Trove calls. */
export function rawSodium(sodium: Sodium): RawSodium {
  let raw = checked.get(sodium);
  if (raw) return raw;
  const candidate = (sodium as unknown as { libsodium?: Partial<RawSodium> }).libsodium;
  if (!candidate || !(candidate.HEAPU8 instanceof Uint8Array) || NEEDS.some((f) => typeof candidate[f] !== 'function')) {
    throw new Error('libsodium-wrappers does not expose the libsodium module this version of Trove needs (sodium.libsodium)');
  }
  raw = candidate as RawSodium;
  checked.set(sodium, raw);
  return raw;
}

/** How libsodium's own stack is cleaned after a call: by the same kind of call on zeros. */
export type StackScrub = 'chacha' | 'kdf';

// _malloc takes a signed 32-bit size: anything larger would wrap around to a small block.
const MAX_SCRATCH = 2 ** 31 - 1;

/** Runs fn with `size` bytes of the heap at `at`; they are zeroed and freed afterwards, whatever fn does. */
export function withScratch<T>(raw: RawSodium, size: number, scrub: StackScrub, fn: (heap: Uint8Array, at: number) => T): T {
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_SCRATCH) throw new RangeError('too large for libsodium');
  const at = raw._malloc(size);
  if (at === 0) throw new Error('libsodium could not allocate memory');
  try {
    // Read after the allocation: growing the memory replaces the view.
    return fn(raw.HEAPU8, at);
  } finally {
    raw.HEAPU8.fill(0, at, at + size);
    raw._free(at);
    scrubStack(raw, scrub);
  }
}

// Zero key, zero nonce, 63 zero bytes (longer than any partial block), zero context.
const ZEROS = 32 + 24 + 63 + 63 + 16 + 9;

function scrubStack(raw: RawSodium, scrub: StackScrub): void {
  const at = raw._malloc(ZEROS);
  if (at === 0) return; // nothing secret is allocated by this; the next call scrubs
  try {
    raw.HEAPU8.fill(0, at, at + ZEROS);
    const k = at,
      n = k + 32,
      m = n + 24,
      c = m + 63;
    if (scrub === 'chacha') raw._crypto_aead_xchacha20poly1305_ietf_encrypt(c, 0, m, 63, 0, 0, 0, 0, 0, n, k);
    else raw._crypto_kdf_derive_from_key(m, 32, 0, 0, c + 63 + 16, k);
  } finally {
    raw._free(at);
  }
}

// XChaCha20-Poly1305 sealing with associated data. Nonces (24 bytes) come from the
// platform CSPRNG; the AAD binds a ciphertext to the row it belongs to.
import { fromB64u, toB64u, utf8 } from './encoding.ts';
import { randomBytes } from './random.ts';
import type { Sodium } from './sodium.ts';

export type Sealed = { ciphertext: string; nonce: string };

export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

export function seal(sodium: Sodium, key: Uint8Array, plaintext: Uint8Array, aad: string): Sealed {
  const nonce = randomBytes(sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const ct = sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, utf8.encode(aad), null, nonce, key);
  return { ciphertext: toB64u(ct), nonce: toB64u(nonce) };
}

export function open(sodium: Sodium, key: Uint8Array, sealed: Sealed, aad: string): Uint8Array {
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      fromB64u(sealed.ciphertext),
      utf8.encode(aad),
      fromB64u(sealed.nonce),
      key,
    );
  } catch {
    // libsodium's message carries nothing useful; the caller knows which row failed.
    throw new DecryptionError('ciphertext failed authentication');
  }
}

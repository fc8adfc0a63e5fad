// XChaCha20-Poly1305 sealing with associated data. Nonces (24 bytes) come from the
// platform CSPRNG; the AAD binds a ciphertext to the row it belongs to.
// libsodium's own functions are called on its WASM heap directly (sodium-heap.ts), not
// through libsodium-wrappers' helpers: those free their copies of keys and plaintexts
// without wiping them, and cost an allocation per argument. Here every call's scratch
// memory is wiped before it is freed (and libsodium's stack scrubbed after it), and
// values sealed under one key open in one pass — with that key still wrapped, if need be
// (openManyUnder), so a data key need never leave the heap.
import { Buffer } from 'node:buffer';
import { fromUtf8, toB64u, utf8 } from './encoding.ts';
import { randomBytes } from './random.ts';
import { rawSodium, withScratch, type RawSodium } from './sodium-heap.ts';
import type { Sodium } from './sodium.ts';

export type Sealed = { ciphertext: string; nonce: string };

export class DecryptionError extends Error {
  override name = 'DecryptionError';
}

const KEY = 32;
const NONCE = 24;
const TAG = 16;

/** Where a base64url text's bytes go: at most this many (the decoder drops padding and junk). */
const b64Bytes = (text: string) => Math.floor((text.length * 3) / 4);

function checkKey(key: Uint8Array): void {
  // Checked at run time too: the heap would silently take a string's characters as zeros.
  if (!(key instanceof Uint8Array) || key.length !== KEY) throw new TypeError('invalid key length');
}

export function seal(sodium: Sodium, key: Uint8Array, plaintext: Uint8Array, aad: string): Sealed {
  checkKey(key);
  if (!(plaintext instanceof Uint8Array) || typeof aad !== 'string') throw new TypeError('seal takes bytes and a string of associated data');
  const raw = rawSodium(sodium);
  const nonce = randomBytes(NONCE);
  const adMax = aad.length * 3;
  return withScratch(raw, KEY + NONCE + plaintext.length + adMax + plaintext.length + TAG, 'chacha', (heap, at) => {
    const k = at,
      n = k + KEY,
      m = n + NONCE,
      ad = m + plaintext.length,
      c = ad + adMax;
    heap.set(key, k);
    heap.set(nonce, n);
    heap.set(plaintext, m);
    const adLen = utf8.encodeInto(aad, heap.subarray(ad, ad + adMax)).written;
    // 64-bit lengths are passed as (low, high) 32-bit halves on wasm32.
    const rc = raw._crypto_aead_xchacha20poly1305_ietf_encrypt(c, 0, m, plaintext.length, 0, ad, adLen, 0, 0, n, k);
    if (rc !== 0) throw new Error('sealing failed');
    return { ciphertext: toB64u(heap.subarray(c, c + plaintext.length + TAG)), nonce: toB64u(nonce) };
  });
}

type Item = { sealed: Sealed; aad: string };

/** Scratch bytes one sealed value needs (nonce, ciphertext, AAD, plaintext); refuses what is not a sealed value. */
function scratchFor({ sealed, aad }: Item): number {
  if (typeof sealed?.ciphertext !== 'string' || typeof sealed.nonce !== 'string' || typeof aad !== 'string') {
    throw new DecryptionError('not a sealed value');
  }
  return NONCE + 2 * b64Bytes(sealed.ciphertext) + aad.length * 3;
}

/**
 * Opens one value with the key at `key`, laying it out from `p`: returns where its
 * plaintext starts, how long it is, and where the next value may start.
 */
function openAt(raw: RawSodium, bytes: Buffer, key: number, p: number, { sealed, aad }: Item): [at: number, length: number, next: number] {
  const heap = raw.HEAPU8;
  const n = p;
  const c = n + NONCE;
  const cMax = b64Bytes(sealed.ciphertext);
  const ad = c + cMax;
  const adMax = aad.length * 3;
  const m = ad + adMax;
  const cLen = sealed.ciphertext.length ? bytes.write(sealed.ciphertext, c, cMax, 'base64url') : 0;
  const nLen = sealed.nonce.length ? bytes.write(sealed.nonce, n, NONCE, 'base64url') : 0;
  const adLen = utf8.encodeInto(aad, heap.subarray(ad, ad + adMax)).written;
  if (
    nLen !== NONCE ||
    b64Bytes(sealed.nonce) !== NONCE ||
    cLen < TAG ||
    raw._crypto_aead_xchacha20poly1305_ietf_decrypt(m, 0, 0, c, cLen, 0, ad, adLen, 0, n, key) !== 0
  ) {
    // libsodium says nothing useful; the caller knows which row failed.
    throw new DecryptionError('ciphertext failed authentication');
  }
  return [m, cLen - TAG, m + cMax];
}

/** Opens `items` with the key at `key`, from `p` on, reading each plaintext while it is on the heap. */
function openAllAt<T>(raw: RawSodium, bytes: Buffer, key: number, p: number, items: readonly Item[], read: (plaintext: Uint8Array) => T): T[] {
  const out: T[] = [];
  for (const item of items) {
    const [m, length, next] = openAt(raw, bytes, key, p, item);
    out.push(read(raw.HEAPU8.subarray(m, m + length)));
    p = next;
  }
  return out;
}

const heapBytes = (heap: Uint8Array) => Buffer.from(heap.buffer, heap.byteOffset, heap.byteLength);

/**
 * Opens values sealed under one key, in order, reading each plaintext with `read` while
 * it is still on the heap (so `read` must copy what it keeps, and must not call into
 * libsodium: the heap could grow under the views). Any value that fails authentication,
 * or is not a sealed value at all, fails the whole call with a DecryptionError.
 */
export function openMany<T>(sodium: Sodium, key: Uint8Array, items: readonly Item[], read: (plaintext: Uint8Array) => T): T[] {
  checkKey(key);
  const raw = rawSodium(sodium);
  let size = KEY;
  for (const item of items) size += scratchFor(item);
  return withScratch(raw, size, 'chacha', (heap, at) => {
    heap.set(key, at);
    return openAllAt(raw, heapBytes(heap), at, at + KEY, items, read);
  });
}

/**
 * openMany under a key that is itself sealed (a consumer's wrapped data key): the key is
 * opened into the same scratch memory and used there, so it never exists as JavaScript
 * bytes, and one call wipes and scrubs once for the key and every value. A wrapped key
 * that does not open, or opens to anything but 32 bytes, fails the call.
 */
export function openManyUnder<T>(sodium: Sodium, kek: Uint8Array, wrapped: Item, items: readonly Item[], read: (plaintext: Uint8Array) => T): T[] {
  checkKey(kek);
  const raw = rawSodium(sodium);
  let size = KEY + scratchFor(wrapped);
  for (const item of items) size += scratchFor(item);
  return withScratch(raw, size, 'chacha', (heap, at) => {
    heap.set(kek, at);
    const bytes = heapBytes(heap);
    const [key, length, next] = openAt(raw, bytes, at, at + KEY, wrapped);
    if (length !== KEY) throw new DecryptionError('not a wrapped key');
    return openAllAt(raw, bytes, key, next, items, read);
  });
}

export function open(sodium: Sodium, key: Uint8Array, sealed: Sealed, aad: string): Uint8Array {
  return openMany(sodium, key, [{ sealed, aad }], (plain) => plain.slice())[0]!;
}

/** Opens values that are UTF-8 text, decoded straight from the heap. */
export function openManyText(sodium: Sodium, key: Uint8Array, items: readonly Item[]): string[] {
  return openMany(sodium, key, items, (plain) => fromUtf8.decode(plain));
}

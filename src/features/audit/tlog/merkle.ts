// RFC 9162 §2.1 Merkle Tree Hash over byte-string leaves: leaf SHA-256(0x00 ‖ d), node
// SHA-256(0x01 ‖ left ‖ right), n > 1 leaves split at the largest power of two smaller than n.
//
// Sizes and indexes are plain numbers checked to be safe integers (no 32-bit bit tricks), so a
// tree may grow to 2^53 leaves. SHA-256 is @noble/hashes' (synchronous, pure JS, runs on Workers).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, type Bytes } from './bytes.ts';
import { nodeHash } from './node-hash.ts';

/** A 32-byte SHA-256 Merkle tree hash. */
export type Hash = Uint8Array;
export const HASH_SIZE = 32;

export { nodeHash };

/** MTH({}) = SHA-256 of the empty string. */
export const EMPTY_ROOT: Bytes = sha256(new Uint8Array(0));

/** SHA-256(0x00 ‖ leaf). */
export function leafHash(leaf: Uint8Array): Bytes {
  const input = new Uint8Array(leaf.length + 1);
  input.set(leaf, 1);
  return sha256(input);
}

export function isHash(h: unknown): h is Hash {
  return h instanceof Uint8Array && h.length === HASH_SIZE;
}

export const hashEquals = (a: Hash, b: Hash): boolean => a.length === HASH_SIZE && bytesEqual(a, b);

export function assertSize(n: number, what = 'tree size'): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative safe integer`);
}

/** The RFC's k: the largest power of two strictly smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  if (!(n >= 2)) throw new RangeError('split needs at least two leaves');
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH(D[n]) over the leaves themselves. */
export function merkleTreeHash(leaves: readonly Uint8Array[]): Hash {
  return rootFromLeafHashes(leaves.map(leafHash));
}

/** MTH from the leaf hashes, by the RFC's recursive definition (n − 1 node hashes). */
export function rootFromLeafHashes(hashes: readonly Hash[]): Hash {
  if (hashes.length === 0) return EMPTY_ROOT;
  const mth = (start: number, n: number): Hash => {
    if (n === 1) return hashes[start]!;
    const k = splitPoint(n);
    return nodeHash(mth(start, k), mth(start + k, n - k));
  };
  return mth(0, hashes.length);
}

// RFC 9162 §2.1.3.2 and §2.1.4.2, transcribed step by step as the RFC words them, hashing with
// node:crypto: a second implementation of proof verification that never calls the code under
// test (src/features/audit/tlog), for the tests to check its proofs against. Test sizes stay
// below 2^31, so the RFC's right shifts are `>>`.
import * as nodeCrypto from 'node:crypto';

function HASH(...parts: Uint8Array[]): Uint8Array {
  const h = nodeCrypto.createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}
const NODE = Uint8Array.of(0x01);
const LSB = (x: number) => (x & 1) === 1;
const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** RFC 9162 §2.1.3.2 Verifying an Inclusion Proof. */
export function rfcVerifyInclusion(leafIndex: number, treeSize: number, hash: Uint8Array, inclusionPath: readonly Uint8Array[], rootHash: Uint8Array): boolean {
  // 1. If leaf_index is greater than or equal to tree_size, then fail the proof verification.
  if (leafIndex >= treeSize) return false;
  // 2. Set fn to leaf_index and sn to tree_size - 1.
  let fn = leafIndex;
  let sn = treeSize - 1;
  // 3. Set r to hash.
  let r = hash;
  // 4. For each value p in the inclusion_path array:
  for (const p of inclusionPath) {
    // a. If sn is 0, then stop the iteration and fail the proof verification.
    if (sn === 0) return false;
    // b. If LSB(fn) is set, or if fn is equal to sn, then:
    if (LSB(fn) || fn === sn) {
      // 1. Set r to HASH(0x01 || p || r).
      r = HASH(NODE, p, r);
      // 2. If LSB(fn) is not set, then right-shift both fn and sn equally until either LSB(fn)
      //    is set or fn is 0.
      if (!LSB(fn)) {
        while (!LSB(fn) && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      // Otherwise: Set r to HASH(0x01 || r || p).
      r = HASH(NODE, r, p);
    }
    // c. Finally, right-shift both fn and sn one time.
    fn >>= 1;
    sn >>= 1;
  }
  // 5. If sn is equal to 0 and r and the root_hash are equal, the log has proven the inclusion.
  return sn === 0 && equal(r, rootHash);
}

/** RFC 9162 §2.1.4.2 Verifying Consistency between Two Tree Heads (0 < first < second). */
export function rfcVerifyConsistency(
  first: number,
  second: number,
  firstHash: Uint8Array,
  secondHash: Uint8Array,
  consistencyPath: readonly Uint8Array[],
): boolean {
  // 1. If consistency_path is an empty array, stop and fail the proof verification.
  if (consistencyPath.length === 0) return false;
  // 2. If first is an exact power of 2, then prepend first_hash to the consistency_path array.
  const path = (first & (first - 1)) === 0 ? [firstHash, ...consistencyPath] : [...consistencyPath];
  // 3. Set fn to first - 1 and sn to second - 1.
  let fn = first - 1;
  let sn = second - 1;
  // 4. If LSB(fn) is set, then right-shift both fn and sn equally until LSB(fn) is not set.
  if (LSB(fn)) {
    while (LSB(fn)) {
      fn >>= 1;
      sn >>= 1;
    }
  }
  // 5. Set both fr and sr to the first value in the consistency_path array.
  let fr = path[0]!;
  let sr = path[0]!;
  // 6. For each subsequent value c in the consistency_path array:
  for (const c of path.slice(1)) {
    // a. If sn is 0, then stop the iteration and fail the proof verification.
    if (sn === 0) return false;
    // b. If LSB(fn) is set, or if fn is equal to sn, then:
    if (LSB(fn) || fn === sn) {
      // 1. Set fr to HASH(0x01 || c || fr). 2. Set sr to HASH(0x01 || c || sr).
      fr = HASH(NODE, c, fr);
      sr = HASH(NODE, c, sr);
      // 3. If LSB(fn) is not set, then right-shift both fn and sn equally until either LSB(fn)
      //    is set or fn is 0.
      if (!LSB(fn)) {
        while (!LSB(fn) && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      // Otherwise: Set sr to HASH(0x01 || sr || c).
      sr = HASH(NODE, sr, c);
    }
    // c. Finally, right-shift both fn and sn one time.
    fn >>= 1;
    sn >>= 1;
  }
  // 7. Verify fr equals first_hash, sr equals second_hash, and sn is 0.
  return sn === 0 && equal(fr, firstHash) && equal(sr, secondHash);
}

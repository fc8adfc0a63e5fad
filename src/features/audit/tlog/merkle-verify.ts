// Verification of inclusion (RFC 9162 §2.1.3.2) and consistency (§2.1.4.2) proofs: any hash not
// 32 bytes, a proof of the wrong length, an index ≥ size or size1 ∉ (0, size2] fails.
//
// Rather than the RFC's bit walk, this retraces the PATH/SUBPROOF recursion of §2.1.3.1/§2.1.4.1
// top-down to learn on which side each proof hash sits, then folds bottom-up (the tests check it
// against a literal transcription of the RFC's algorithms).
import { hashEquals, isHash, nodeHash, splitPoint, type Hash } from './merkle.ts';

const validSize = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/** The root an inclusion proof leads to, or null when the proof's shape cannot fit (index, size). */
export function rootFromInclusionProof(leafHash: Hash, index: number, size: number, proof: readonly Hash[]): Hash | null {
  if (!validSize(index) || !validSize(size) || index >= size) return null;
  if (!isHash(leafHash) || !proof.every(isHash)) return null;
  const siblingOnLeft: boolean[] = []; // top-down
  for (let m = index, n = size; n > 1; ) {
    const k = splitPoint(n);
    if (m < k) {
      siblingOnLeft.push(false);
      n = k;
    } else {
      siblingOnLeft.push(true);
      m -= k;
      n -= k;
    }
  }
  if (siblingOnLeft.length !== proof.length) return null;
  let r = leafHash;
  proof.forEach((p, i) => {
    r = siblingOnLeft[proof.length - 1 - i] ? nodeHash(p, r) : nodeHash(r, p);
  });
  return r;
}

/** Whether `proof` shows the leaf with `leafHash` at `index` in the tree of `size` with `root`. */
export function verifyInclusion(leafHash: Hash, index: number, size: number, proof: readonly Hash[], root: Hash): boolean {
  const r = rootFromInclusionProof(leafHash, index, size, proof);
  return r !== null && isHash(root) && hashEquals(r, root);
}

/**
 * Whether `proof` shows the tree (size2, root2) extends (size1, root1). Equal sizes need an empty
 * proof and equal roots. size1 = 0 is refused: the empty tree is a prefix of every tree, so there
 * is nothing to prove (callers such as a witness handle "old size 0" before asking).
 */
export function verifyConsistency(size1: number, size2: number, root1: Hash, root2: Hash, proof: readonly Hash[]): boolean {
  if (!validSize(size1) || !validSize(size2) || size1 === 0 || size1 > size2) return false;
  if (!isHash(root1) || !isHash(root2) || !proof.every(isHash)) return false;
  if (size1 === size2) return proof.length === 0 && hashEquals(root1, root2);
  const bothTrees: boolean[] = []; // top-down: true when the sibling also belongs to the old tree
  let m = size1;
  let n = size2;
  let whole = true;
  while (m !== n) {
    const k = splitPoint(n);
    if (m <= k) {
      bothTrees.push(false); // sibling D[k:n] is on the right, only in the new tree
      n = k;
    } else {
      bothTrees.push(true); // sibling D[0:k] is on the left, in both trees
      m -= k;
      n -= k;
      whole = false;
    }
  }
  if (proof.length !== bothTrees.length + (whole ? 0 : 1)) return false;
  // The subtree where the walk stopped: the old tree itself, or else the proof's first hash.
  let oldRoot = whole ? root1 : proof[0]!;
  let newRoot = oldRoot;
  for (let i = whole ? 0 : 1, s = bothTrees.length - 1; s >= 0; i++, s--) {
    const p = proof[i]!;
    if (bothTrees[s]) {
      oldRoot = nodeHash(p, oldRoot);
      newRoot = nodeHash(p, newRoot);
    } else {
      newRoot = nodeHash(newRoot, p);
    }
  }
  return hashEquals(oldRoot, root1) && hashEquals(newRoot, root2);
}

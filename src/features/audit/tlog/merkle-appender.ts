// Incremental tree maintenance: appending leaf m yields the nodes to store (the leaf and the
// subtrees it completes, < 2 per leaf amortised); the root comes from the right-edge "frontier".
import { EMPTY_ROOT, assertSize, isHash, nodeHash, type Hash } from './merkle.ts';
import { rangeNodes, storedNodeCount, type NodeId, type StoredNode } from './node-store.ts';

/**
 * The frontier of a tree of `size` leaves: its maximal complete subtrees, left to right (one per
 * set bit of size). Reading these (≤ 53) nodes is all it takes to resume appending after a restart.
 */
export function frontierNodes(size: number): NodeId[] {
  assertSize(size);
  return size === 0 ? [] : rangeNodes(0, size);
}

export class MerkleAppender {
  #size: number;
  /** storedNodeCount(#size): the position the next stored node takes. */
  #stored: number;
  /** Hashes of frontierNodes(#size), left (largest) to right (smallest). */
  readonly #frontier: Hash[];

  /** Resumes a tree of `size` leaves from the hashes of frontierNodes(size). */
  constructor(size = 0, frontier: readonly Hash[] = []) {
    assertSize(size);
    if (frontier.length !== frontierNodes(size).length || !frontier.every(isHash)) {
      throw new Error('the frontier does not match the tree size');
    }
    this.#size = size;
    this.#stored = storedNodeCount(size);
    this.#frontier = [...frontier];
  }

  get size(): number {
    return this.#size;
  }

  /** Copies of the frontier hashes (what a snapshot needs besides the size). */
  frontier(): Hash[] {
    return this.#frontier.map((h) => h.slice());
  }

  /**
   * Adds leaf `size` (given its leaf hash) and returns the nodes now complete: the leaf at
   * level 0 and one node per trailing 1-bit of its index, in storage order (ascending pos).
   */
  append(leafHash: Hash): StoredNode[] {
    if (!isHash(leafHash)) throw new Error('a leaf hash is 32 bytes');
    const m = this.#size;
    assertSize(m + 1);
    let hash: Hash = leafHash.slice();
    const pos = this.#stored;
    const out: StoredNode[] = [{ level: 0, index: m, pos, hash }];
    let level = 0;
    // Leaf m completes the level-l subtree ending at it iff (m + 1) is a multiple of 2^l.
    for (let rest = m; rest % 2 === 1; rest = (rest - 1) / 2) {
      hash = nodeHash(this.#frontier.pop()!, hash);
      level++;
      const index = (m + 1) / 2 ** level - 1;
      out.push({ level, index, pos: pos + level, hash });
    }
    this.#frontier.push(hash);
    this.#size = m + 1;
    this.#stored += out.length;
    return out;
  }

  /** MTH of the current tree: the right fold of the frontier (popcount(size) − 1 hashes). */
  root(): Hash {
    const f = this.#frontier;
    if (f.length === 0) return EMPTY_ROOT;
    let r = f[f.length - 1]!;
    for (let i = f.length - 2; i >= 0; i--) r = nodeHash(f[i]!, r);
    return r;
  }
}

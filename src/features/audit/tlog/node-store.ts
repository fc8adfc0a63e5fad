// Addressing and storage of complete-subtree hashes: node (level, index) covers leaves
// [index·2^level, (index+1)·2^level); each is stored once, at a position fixed by append order.
import { assertSize, type Hash } from './merkle.ts';

export type NodeId = { readonly level: number; readonly index: number };
export type StoredNode = NodeId & { readonly pos: number; readonly hash: Hash };
/** Synchronous lookup of a stored node (undefined when absent). */
export type NodeReader = (id: NodeId) => Hash | undefined;

function popcount(n: number): number {
  let c = 0;
  for (; n > 0; n = Math.floor(n / 2)) c += n % 2;
  return c;
}

/**
 * How many nodes a tree of `size` leaves stores: Σ_l ⌊size / 2^l⌋ = 2·size − popcount(size),
 * i.e. fewer than two per leaf. A node table with any other row count is damaged.
 */
export function storedNodeCount(size: number): number {
  assertSize(size);
  return 2 * size - popcount(size);
}

/**
 * The position of node (level, index) in append order: it is written by the append of leaf
 * m = (index+1)·2^level − 1, right after the leaf and its `level − 1` completed ancestors, so
 * pos = storedNodeCount(m) + level. Positions are dense (0, 1, 2, …) and only ever grow.
 */
export function storedNodeIndex(level: number, index: number): number {
  if (!Number.isInteger(level) || level < 0 || level > 52) throw new RangeError('bad node level');
  assertSize(index, 'node index');
  const lastLeaf = (index + 1) * 2 ** level - 1;
  assertSize(lastLeaf, 'node end');
  return storedNodeCount(lastLeaf) + level;
}

/**
 * The complete subtrees that make up leaves [start, end), largest first. MTH(D[start:end]) is
 * their right fold when `start` is a multiple of the smallest power of two ≥ end − start,
 * which holds for every range RFC 9162's recursion produces (and for [0, size)).
 */
export function rangeNodes(start: number, end: number): NodeId[] {
  assertSize(start, 'range start');
  assertSize(end, 'range end');
  if (end <= start) throw new RangeError('empty range');
  const out: NodeId[] = [];
  for (let at = start; at < end; ) {
    let width = 1;
    let level = 0;
    for (; width * 2 <= end - at; level++) width *= 2;
    if (at % width !== 0) throw new RangeError(`range [${start}, ${end}) is not subtree-aligned`);
    out.push({ level, index: at / width });
    at += width;
  }
  return out;
}

/** An in-memory node table: the reference implementation of the layout, for tests and tools. */
export class MemoryNodeStore {
  readonly #hashes: Hash[] = [];

  /** Appends nodes as MerkleAppender.append returns them; positions must continue the table. */
  put(nodes: readonly StoredNode[]): void {
    for (const n of nodes) {
      if (n.pos !== this.#hashes.length) throw new Error(`node position ${n.pos} out of order`);
      this.#hashes.push(n.hash);
    }
  }

  /** Number of stored nodes (storedNodeCount of the tree size). */
  get count(): number {
    return this.#hashes.length;
  }

  readonly read: NodeReader = (id) => this.#hashes[storedNodeIndex(id.level, id.index)];
}

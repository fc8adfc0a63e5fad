// The Merkle tree folded inside one range of a parallel walk. A range that starts at leaf
// index k·U and holds at most U leaves (U a power of two) folds on its own into complete
// subtrees of the global tree; the ranges' stacks are then joined, in order, on the main
// thread (joinFolds), so no thread ever needs another's leaves.
import { EMPTY_ROOT, nodeHash, type Hash } from './tlog/merkle.ts';

/** One range's fold: its stack (the frontier of its part of the tree) at each wanted size, and at its end. */
export type RangeFold = { at: [number, Uint8Array[]][]; end: Uint8Array[]; leaves: number };

export class Folder {
  readonly #stack: Uint8Array[] = [];
  readonly #start: number;
  readonly #wanted: ReadonlySet<number>;
  readonly #at: [number, Uint8Array[]][] = [];
  #size: number;

  /** `start` is the global index of the range's first leaf; `wanted` are global tree sizes. */
  constructor(start: number, wanted: ReadonlySet<number>) {
    this.#start = start;
    this.#size = start;
    this.#wanted = wanted;
  }

  add(leaf: Uint8Array): void {
    let h = leaf;
    // Combine while the leaf's local index says a subtree is complete (local = global parity: the start is aligned).
    for (let m = this.#size - this.#start; m % 2 === 1; m = (m - 1) / 2) h = nodeHash(this.#stack.pop()!, h);
    this.#stack.push(h);
    this.#size++;
    if (this.#wanted.has(this.#size)) this.#at.push([this.#size, this.#stack.slice()]);
  }

  /** Own copies of every hash (stacks may hold views of a leaf buffer that is not sent along). */
  result(): RangeFold {
    const own = (hs: Uint8Array[]) => hs.map((h) => h.slice());
    return { at: this.#at.map(([s, st]) => [s, own(st)]), end: own(this.#stack), leaves: this.#size - this.#start };
  }
}

export type JoinedTree = { size: number; frontiers: Map<number, Hash[]> };

/** The unit of a walk with a single range from leaf 0 (any length folds on its own). */
export const WHOLE = 2 ** 53;

/**
 * Joins the folds of consecutive aligned ranges of `unit` leaves (all but the last full)
 * over the first `good` leaves: the global frontier at each wanted size.
 */
export function joinFolds(folds: readonly RangeFold[], unit: number, good: number): JoinedTree {
  const frontiers = new Map<number, Hash[]>();
  const prefix: Hash[] = []; // the frontier of the ranges before this one
  let size = 0;
  for (const [k, f] of folds.entries()) {
    for (const [s, stack] of f.at) if (s <= good) frontiers.set(s, [...prefix, ...stack]);
    size = Math.min(good, k * unit + f.leaves);
    if (f.leaves < unit || size < (k + 1) * unit) break;
    let h = f.end[0]!;
    for (let r = k; r % 2 === 1; r = (r - 1) / 2) h = nodeHash(prefix.pop()!, h);
    prefix.push(h);
  }
  return { size, frontiers };
}

/** MTH from a frontier (largest subtree first). */
export function rootOfFrontier(frontier: readonly Hash[]): Hash {
  if (frontier.length === 0) return EMPTY_ROOT;
  let r = frontier[frontier.length - 1]!;
  for (let i = frontier.length - 2; i >= 0; i--) r = nodeHash(frontier[i]!, r);
  return r;
}

// Inclusion (RFC 9162 §2.1.3.1) and consistency (§2.1.4.1) proofs from stored subtree hashes:
// a proof is planned as node ids, fetched in one batch, then folded; no leaves in memory.
//
// Storage layout (SQLite and PostgreSQL alike), one table next to the events:
//   audit_tree_nodes(pos INTEGER/BIGINT PRIMARY KEY, hash NOT NULL)  -- 32-byte hashes
// `pos` = storedNodeIndex(level, index): the hash of every complete subtree aligned at a power of
// two, numbered in append order (a rowid table in SQLite; inserts only at the end of the B-tree).
// MerkleAppender.append returns the leaf plus one node per subtree it completes (2 amortised,
// never more than 1 + log2 n); a dense table of all of them has storedNodeCount(size) rows
// (MemoryNodeStore). A store may keep only the upper levels and fold the lower ones from the
// leaves on read: Trove stores levels ≥ 3 (src/features/audit/tree-nodes.ts), the same positions
// left sparse, storedNodeCount(⌊size / 8⌋) rows, about one per four leaves. A proof reads
// ≤ 2·log2(n) nodes with one `WHERE pos IN (…)` query (planNodes), plus the leaves under its
// unstored nodes (≤ 4 each, in one more query); resuming the appender reads frontierNodes(size) (≤ log2 n nodes). The nodes at
// levels 0, 8, 16, … are exactly C2SP tlog-tiles' tiles (tile L/N entry i is node (8L, 256N + i)),
// so tiles can be served from this layout later (level 0 from the leaves); a log far beyond 10^9
// entries could store full 256-hash tiles as single rows instead and rehash inside a tile,
// trading CPU for 1/256 of the rows.
import { EMPTY_ROOT, assertSize, nodeHash, splitPoint, type Hash } from './merkle.ts';
import { rangeNodes, storedNodeIndex, type NodeId, type NodeReader } from './node-store.ts';

/** Each proof hash is the right fold of these complete-subtree nodes (most are a single node). */
export type ProofPlan = readonly (readonly NodeId[])[];
/** Fetches many nodes at once (one database query); hashes in the order of `ids`. */
export type NodeBatchReader = (ids: readonly NodeId[]) => Promise<readonly (Hash | undefined)[]>;

/** PATH(index, D[size]): the sibling subtrees from the leaf up to the root (leaf's sibling first). */
export function inclusionPlan(index: number, size: number): ProofPlan {
  assertSize(size);
  assertSize(index, 'leaf index');
  if (index >= size) throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  const topDown: NodeId[][] = [];
  let offset = 0;
  let m = index;
  let n = size;
  while (n > 1) {
    const k = splitPoint(n);
    if (m < k) {
      topDown.push(rangeNodes(offset + k, offset + n)); // PATH(m, D[0:k]) : MTH(D[k:n])
      n = k;
    } else {
      topDown.push(rangeNodes(offset, offset + k)); // PATH(m − k, D[k:n]) : MTH(D[0:k])
      offset += k;
      m -= k;
      n -= k;
    }
  }
  return topDown.reverse();
}

/** PROOF(size1, D[size2]) = SUBPROOF(size1, D[size2], true); empty when the sizes are equal. */
export function consistencyPlan(size1: number, size2: number): ProofPlan {
  assertSize(size1);
  assertSize(size2);
  if (size1 === 0 || size1 > size2) throw new RangeError(`no consistency proof from ${size1} to ${size2}`);
  const topDown: NodeId[][] = [];
  let offset = 0;
  let m = size1;
  let n = size2;
  let whole = true; // the RFC's b: still on the left edge, where D[0:m] is the old tree itself
  while (m !== n) {
    const k = splitPoint(n);
    if (m <= k) {
      topDown.push(rangeNodes(offset + k, offset + n)); // SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
      n = k;
    } else {
      topDown.push(rangeNodes(offset, offset + k)); // SUBPROOF(m − k, D[k:n], false) : MTH(D[0:k])
      offset += k;
      m -= k;
      n -= k;
      whole = false;
    }
  }
  if (!whole) topDown.push(rangeNodes(offset, offset + m)); // SUBPROOF(m, D[m], false) = {MTH(D[m])}
  return topDown.reverse();
}

/** The nodes whose right fold is the root of a tree of `size` leaves (its frontier). */
export function rootPlan(size: number): ProofPlan {
  assertSize(size);
  return size === 0 ? [] : [rangeNodes(0, size)];
}

/** The distinct nodes a plan needs, in ascending storage position (for one batched read). */
export function planNodes(plan: ProofPlan): NodeId[] {
  const byPos = new Map<number, NodeId>();
  for (const step of plan) for (const id of step) byPos.set(storedNodeIndex(id.level, id.index), id);
  return [...byPos.entries()].sort((a, b) => a[0] - b[0]).map(([, id]) => id);
}

/** Folds each step of a plan with node hashes from `read`; throws if a node is missing. */
export function assembleProof(plan: ProofPlan, read: NodeReader): Hash[] {
  return plan.map((step) => {
    const hashes = step.map((id) => {
      const h = read(id);
      if (!h) throw new Error(`tree node (${id.level}, ${id.index}) is missing`);
      return h;
    });
    let acc = hashes[hashes.length - 1]!;
    for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
    return acc;
  });
}

/** Reads a plan's nodes with one batched call, then assembles the proof. */
export async function fetchProof(plan: ProofPlan, readBatch: NodeBatchReader): Promise<Hash[]> {
  const ids = planNodes(plan);
  const hashes = await readBatch(ids);
  const byPos = new Map<number, Hash | undefined>();
  for (const [i, id] of ids.entries()) byPos.set(storedNodeIndex(id.level, id.index), hashes[i]);
  return assembleProof(plan, (id) => byPos.get(storedNodeIndex(id.level, id.index)));
}

export const inclusionProof = (read: NodeReader, index: number, size: number): Hash[] => assembleProof(inclusionPlan(index, size), read);

export const consistencyProof = (read: NodeReader, size1: number, size2: number): Hash[] => assembleProof(consistencyPlan(size1, size2), read);

/** The root of the tree of `size` leaves (any size up to the stored one), from stored nodes. */
export function treeRoot(read: NodeReader, size: number): Hash {
  return size === 0 ? EMPTY_ROOT : assembleProof(rootPlan(size), read)[0]!;
}

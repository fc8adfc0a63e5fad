// Reads of the stored audit tree: its size and the nodes by position (batched queries).
// Only nodes at level ≥ LOWEST_STORED_LEVEL have a row in audit_tree_nodes: a leaf is its
// event's own hash (event-leaf.ts) and a node below that level is folded from the ≤ 4 events
// under it, so the tree adds about one row per four events instead of one per event.
import type { Kysely } from 'kysely';
import { fromB64u } from '../../crypto/encoding.ts';
import type { Database } from '../../db/schema.ts';
import type { NodeBatchReader } from './tlog/merkle-proofs.ts';
import { rootFromLeafHashes, type Hash } from './tlog/merkle.ts';
import { storedNodeCount, storedNodeIndex, type NodeId } from './tlog/node-store.ts';
import { eventLeafHash } from './event-leaf.ts';

/**
 * Nodes at levels 1 and 2 (2 and 4 events) are recomputed, never stored: three node hashes
 * at most, over events a proof or the frontier reads in the same batch. Level 3 and up are
 * stored at their usual positions (storedNodeIndex), which leaves the table sparse.
 */
export const LOWEST_STORED_LEVEL = 3;

export const isStoredLevel = (level: number): boolean => level >= LOWEST_STORED_LEVEL;

/**
 * The rows audit_tree_nodes holds for a sound tree of `size` events: Σ_{l ≥ 3} ⌊size / 2^l⌋,
 * which is storedNodeCount(⌊size / 8⌋) (about size / 4). Any other count is damage.
 */
export function storedNodeRows(size: number): number {
  return storedNodeCount(Math.floor(size / 2 ** LOWEST_STORED_LEVEL));
}

/** How many events the stored tree covers. */
export async function treeSize(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('audit_tree').select('size').where('id', '=', 1).executeTakeFirst();
  return Number(row?.size ?? 0);
}

// Positions and seqs are read in slices: SQLite and D1 cap a statement's bound parameters.
const SLICE = 90;

/** The seqs of the events under a node: leaves [index·2^level, (index+1)·2^level) are seqs + 1. */
function seqsUnder(id: NodeId): number[] {
  const width = 2 ** id.level;
  return Array.from({ length: width }, (_, i) => id.index * width + i + 1);
}

/** Leaf hashes by seq, for the events that exist (a missing one leaves its nodes unreadable). */
async function leafHashes(db: Kysely<Database>, seqs: number[]): Promise<Map<number, Hash>> {
  const bySeq = new Map<number, Hash>();
  for (let i = 0; i < seqs.length; i += SLICE) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', 'in', seqs.slice(i, i + SLICE))
      .execute();
    for (const r of rows) bySeq.set(Number(r.seq), eventLeafHash(r));
  }
  return bySeq;
}

async function storedHashes(db: Kysely<Database>, positions: number[]): Promise<Map<number, Hash>> {
  const byPos = new Map<number, Hash>();
  for (let i = 0; i < positions.length; i += SLICE) {
    const rows = await db
      .selectFrom('audit_tree_nodes')
      .select(['pos', 'hash'])
      .where('pos', 'in', positions.slice(i, i + SLICE))
      .execute();
    for (const r of rows) byPos.set(Number(r.pos), fromB64u(r.hash));
  }
  return byPos;
}

/**
 * Reads nodes in one batch: stored ones by position, the others (leaves, levels 1–2) folded
 * from their events, all of which come in one sliced query. A node whose row or events are
 * missing reads as undefined.
 */
export function nodeReader(db: Kysely<Database>): NodeBatchReader {
  return async (ids) => {
    const seqs = new Set<number>();
    for (const id of ids) if (!isStoredLevel(id.level)) for (const s of seqsUnder(id)) seqs.add(s);
    const leaves = await leafHashes(
      db,
      [...seqs].sort((a, b) => a - b),
    );
    const stored = await storedHashes(
      db,
      ids.filter((id) => isStoredLevel(id.level)).map((id) => storedNodeIndex(id.level, id.index)),
    );
    return ids.map((id) => {
      if (isStoredLevel(id.level)) return stored.get(storedNodeIndex(id.level, id.index));
      const hashes = seqsUnder(id).map((s) => leaves.get(s));
      // A complete subtree of 2^level leaves: RFC 9162's MTH is the plain pairwise fold.
      return hashes.every((h) => h !== undefined) ? rootFromLeafHashes(hashes as Hash[]) : undefined;
    });
  };
}

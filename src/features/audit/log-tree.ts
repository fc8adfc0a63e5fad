// Keeps the stored Merkle tree caught up with the committed audit events, off the hot path:
// the checkpointer calls it, never a read or a write of a feature, so an audited read pays
// nothing for the tree. Each batch is one commit: its nodes and the new size, guarded by a
// compare-and-set on the old size, so nodes extending the tree at once cannot both write.
import type { Deps } from '../../deps.ts';
import { toB64u } from '../../crypto/encoding.ts';
import { GuardFailed } from '../../errors.ts';
import { eventLeafHash } from './event-leaf.ts';
import { frontierNodes, MerkleAppender } from './tlog/merkle-appender.ts';
import { isStoredLevel, nodeReader, treeSize } from './tree-nodes.ts';

const BATCH = 2000;
// Nodes are written with bound parameters, 50 rows a statement (D1 allows 100 parameters):
// every full chunk is the same SQL text, prepared once and reused. Written into the text
// instead, each statement was new, and SQLite's statement cache kept every compiled one
// (tens of KB) until a thousand newer ones pushed it out, and on PostgreSQL each took one
// of the connection's statement names. Under the bench's load a serving process's memory
// grew about 40 MB a minute without levelling off; bound, it is flat after 105 s (measured).
const NODE_ROWS = 50;

export type TreeState = { size: number; root: Uint8Array };

/**
 * Appends every committed event not yet in the tree, in batches. Events must be gapless
 * from seq 1: a gap or a row out of place stops the extension (and is logged), since a
 * tree over a damaged log would sign the damage. Returns the tree as it now stands.
 */
export async function extendTree(deps: Pick<Deps, 'store' | 'log'>, opts: { batch?: number } = {}): Promise<TreeState> {
  const db = deps.store.db;
  for (;;) {
    const size = await treeSize(db);
    const frontier = await nodeReader(db)(frontierNodes(size));
    if (frontier.some((h) => !h)) throw new Error(`the stored audit tree of size ${size} is missing nodes`);
    const tree = new MerkleAppender(size, frontier as Uint8Array[]);
    const events = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '>', size)
      .orderBy('seq')
      .limit(opts.batch ?? BATCH)
      .execute();
    if (events.length === 0) return { size, root: tree.root() };
    const nodes: { pos: number; hash: string }[] = [];
    for (const e of events) {
      if (Number(e.seq) !== tree.size + 1) {
        deps.log.error('the audit log has a gap or a misplaced event; the tree stops before it', { seq: tree.size + 1, found: Number(e.seq) });
        break;
      }
      // Leaves are the events' own hashes and levels 1–2 fold from ≤ 4 of them, so only the
      // nodes from LOWEST_STORED_LEVEL up are written (tree-nodes.ts recomputes the rest).
      for (const n of tree.append(eventLeafHash(e))) if (isStoredLevel(n.level)) nodes.push({ pos: n.pos, hash: toB64u(n.hash) });
    }
    if (tree.size === size) return { size, root: tree.root() };
    try {
      await deps.store.commit({
        guards: [{ name: 'audit_tree_size', changes: db.updateTable('audit_tree').set({ size: tree.size }).where('id', '=', 1).where('size', '=', size) }],
        writes: chunk(nodes, NODE_ROWS).map((part) => db.insertInto('audit_tree_nodes').values(part)),
      });
    } catch (err) {
      // Another node extended the tree first (its guard, or its nodes' positions, collided
      // with ours): read where the tree stands and go on from there.
      if (!(err instanceof GuardFailed) && (await treeSize(db)) === size) throw err;
    }
    if (events.length < (opts.batch ?? BATCH)) {
      const now = await treeSize(db);
      if (now === tree.size) return { size: tree.size, root: tree.root() };
    }
  }
}

function chunk<T>(items: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
  return out;
}

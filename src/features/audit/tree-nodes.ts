// Reads of the stored audit tree: its size and the nodes by position (batched queries).
// Leaves are not stored: a leaf hash is the event's own (event-leaf.ts), recomputed from
// its row, which halves the rows the tree adds.
import type { Kysely } from 'kysely';
import { fromB64u } from '../../crypto/encoding.ts';
import type { Database } from '../../db/schema.ts';
import type { NodeBatchReader } from './tlog/merkle-proofs.ts';
import type { Hash } from './tlog/merkle.ts';
import { storedNodeIndex } from './tlog/node-store.ts';
import { eventLeafHash } from './event-leaf.ts';

/** How many events the stored tree covers. */
export async function treeSize(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('audit_tree').select('size').where('id', '=', 1).executeTakeFirst();
  return Number(row?.size ?? 0);
}

// Positions are read in slices: SQLite and D1 cap a statement's bound parameters.
const SLICE = 90;

export function nodeReader(db: Kysely<Database>): NodeBatchReader {
  return async (ids) => {
    const byPos = new Map<number, Hash>();
    const leaves = ids.filter((id) => id.level === 0).map((id) => id.index + 1);
    const interior = ids.filter((id) => id.level > 0).map((id) => storedNodeIndex(id.level, id.index));
    for (let i = 0; i < leaves.length; i += SLICE) {
      const rows = await db
        .selectFrom('audit_events')
        .selectAll()
        .where('seq', 'in', leaves.slice(i, i + SLICE))
        .execute();
      for (const r of rows) byPos.set(storedNodeIndex(0, Number(r.seq) - 1), eventLeafHash(r));
    }
    for (let i = 0; i < interior.length; i += SLICE) {
      const rows = await db
        .selectFrom('audit_tree_nodes')
        .select(['pos', 'hash'])
        .where('pos', 'in', interior.slice(i, i + SLICE))
        .execute();
      for (const r of rows) byPos.set(Number(r.pos), fromB64u(r.hash));
    }
    return ids.map((id) => byPos.get(storedNodeIndex(id.level, id.index)));
  };
}

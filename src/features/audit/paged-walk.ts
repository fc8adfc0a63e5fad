// The audit log walked in pages through the query builder, on any store: the chain in seq
// order (every hash and link recomputed) and, when asked, every good event's Merkle leaf.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { checkRange, stitchRanges, type ChainWalkResult, type RangeResult, type WalkAsk } from './chain-ranges.ts';
import { Folder, joinFolds, WHOLE } from './range-fold.ts';

const PAGE = 5000;

/** Walks the whole chain; `wanted` names the seqs whose hashes the caller needs. */
export type ChainWalk = (wanted: ReadonlySet<number>, opts?: WalkAsk) => Promise<ChainWalkResult>;

/** The default walk: pages of events through the query builder, on any store. */
export function pagedChainWalk(db: Kysely<Database>, page = PAGE): ChainWalk {
  return async (wanted, opts = {}) => {
    const ranges: RangeResult[] = [];
    // Pages run from seq 1 in order, so one folder over all of them builds the tree.
    const folder = opts.sizes ? new Folder(0, opts.sizes) : undefined;
    // The first page has no lower bound: a row forged below seq 1 must be seen, not skipped.
    let after: number | null = null;
    for (;;) {
      const q = db.selectFrom('audit_events').selectAll();
      const rows = await (after === null ? q : q.where('seq', '>', after)).orderBy('seq').limit(page).execute();
      // Each page is checked as a range of its own; stitching checks the links between pages.
      const r = checkRange(rows, (after ?? 0) + 1, wanted, opts.leaves, folder);
      ranges.push(r);
      if (rows.length < page || r.bad) break;
      after = rows[rows.length - 1]!.seq;
    }
    const walked = stitchRanges(ranges);
    return folder ? { ...walked, tree: joinFolds([folder.result()], WHOLE, goodLeaves(walked)) } : walked;
  };
}

/** How many leaves from seq 1 the walk found good. */
export const goodLeaves = (w: ChainWalkResult): number => (w.bad ? w.bad.seq - 1 : (w.head?.seq ?? 0));

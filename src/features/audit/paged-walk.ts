// The audit log walked in pages through the query builder, on any store: the chain in seq
// order (every hash and link recomputed) and, when asked, every good event's Merkle leaf.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { checkRange, stitchRanges, type ChainWalkResult, type RangeResult } from './chain-ranges.ts';

const PAGE = 5000;

/** Walks the whole chain; `wanted` names the seqs whose hashes the caller needs. */
export type ChainWalk = (wanted: ReadonlySet<number>, opts?: { leaves?: boolean }) => Promise<ChainWalkResult>;

/** The default walk: pages of events through the query builder, on any store. */
export function pagedChainWalk(db: Kysely<Database>, page = PAGE): ChainWalk {
  return async (wanted, opts = {}) => {
    const ranges: RangeResult[] = [];
    // The first page has no lower bound: a row forged below seq 1 must be seen, not skipped.
    let after: number | null = null;
    for (;;) {
      const q = db.selectFrom('audit_events').selectAll();
      const rows = await (after === null ? q : q.where('seq', '>', after)).orderBy('seq').limit(page).execute();
      // Each page is checked as a range of its own; stitching checks the links between pages.
      const r = checkRange(rows, (after ?? 0) + 1, wanted, opts.leaves);
      ranges.push(r);
      if (rows.length < page || r.bad) break;
      after = rows[rows.length - 1]!.seq;
    }
    return stitchRanges(ranges);
  };
}

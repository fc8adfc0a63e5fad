// Checking the hash chain in independent seq ranges (e.g. one per thread) and stitching
// the results: the verdict — first bad seq, its problem, how many events were checked,
// the last good head — is exactly what one walk from seq 1 would give. A range checks
// everything within itself; its first row's link is checked when ranges are stitched.
import type { AuditEventRow } from '../../db/schema.ts';
import { canonicalEvent, GENESIS_HASH, hashCanonical, type ChainHead } from '../../db/audit-chain.ts';
import { Buffer } from 'node:buffer';
import { leafHashOfCanonical } from './event-leaf.ts';
import type { Folder, JoinedTree, RangeFold } from './range-fold.ts';

export type ChainFinding = { seq: number; problem: string };

/**
 * What a walk of the chain found: the hashes it was asked for and, when asked, the Merkle
 * leaf hashes of every good event from seq 1 on (32 bytes each, packed, in seq order).
 */
export type ChainWalkResult = {
  checked: number;
  bad: ChainFinding | null;
  head: ChainHead | null;
  hashes: Map<number, string>;
  leaves: Uint8Array[];
  /** The tree's frontier at each wanted size, when the walk folded it in its ranges. */
  tree?: JoinedTree;
};

/** What a walk is asked for besides the chain: packed leaf hashes, the tree at some sizes. */
export type WalkAsk = { leaves?: boolean; sizes?: ReadonlySet<number> };

/** A range's report; plain data so it can cross a thread boundary. */
export type RangeResult = {
  first: { seq: number; prev_hash: string } | null;
  lastGood: ChainHead | null;
  bad: ChainFinding | null;
  checked: number;
  hashes: [number, string][];
  /** Leaf hashes of the good rows (first … lastGood), packed; null unless asked for. */
  leaves: Uint8Array | null;
  /** The range's fold of the tree (its own folder's, when it had one); null otherwise. */
  fold: RangeFold | null;
};

/** Checks rows that should run lo, lo+1, … in order; stops at the first problem. */
export function checkRange(rows: Iterable<AuditEventRow>, lo: number, wanted: ReadonlySet<number>, withLeaves = false, folder?: Folder): RangeResult {
  const out: RangeResult = { first: null, lastGood: null, bad: null, checked: 0, hashes: [], leaves: null, fold: null };
  let packed = withLeaves ? Buffer.alloc(32 * 1024) : null;
  let expected = lo;
  for (const row of rows) {
    out.checked += 1;
    const canonical = canonicalEvent(row);
    if (wanted.has(row.seq)) out.hashes.push([row.seq, row.hash]);
    if (out.first === null) out.first = { seq: row.seq, prev_hash: row.prev_hash };
    if (row.seq !== expected) out.bad = { seq: expected, problem: `expected seq ${expected}, found ${row.seq}` };
    else if (out.lastGood !== null && row.prev_hash !== out.lastGood.hash) out.bad = { seq: row.seq, problem: 'link to previous event broken' };
    else if (hashCanonical(canonical) !== row.hash) out.bad = { seq: row.seq, problem: 'event hash does not match its content' };
    if (out.bad) break;
    if (packed) {
      const at = 32 * (expected - lo);
      if (at === packed.length) {
        const grown = Buffer.alloc(packed.length * 2);
        packed.copy(grown);
        packed = grown;
      }
      packed.write(leafHashOfCanonical(canonical), at, 32, 'hex');
      folder?.add(packed.subarray(at, at + 32));
    } else if (folder) {
      folder.add(Buffer.from(leafHashOfCanonical(canonical), 'hex'));
    }
    expected += 1;
    out.lastGood = { seq: row.seq, hash: row.hash };
  }
  if (packed) out.leaves = new Uint8Array(packed.buffer, packed.byteOffset, 32 * (expected - lo));
  return out;
}

/** Joins consecutive ranges (in seq order) as if one walk had run from the genesis. */
export function stitchRanges(ranges: readonly RangeResult[]): ChainWalkResult {
  let head: ChainHead | null = null;
  let checked = 0;
  let bad: ChainFinding | null = null;
  const hashes = new Map<number, string>();
  const leaves: Uint8Array[] = [];
  for (const r of ranges) {
    for (const [seq, hash] of r.hashes) hashes.set(seq, hash);
    if (bad || r.first === null) continue; // an empty range: the next one's first row shows the gap
    const expected = (head?.seq ?? 0) + 1;
    if (r.first.seq !== expected) bad = { seq: expected, problem: `expected seq ${expected}, found ${r.first.seq}` };
    else if (r.first.prev_hash !== (head?.hash ?? GENESIS_HASH)) bad = { seq: expected, problem: 'link to previous event broken' };
    if (bad) {
      checked += 1;
      continue;
    }
    checked += r.checked;
    bad = r.bad;
    head = r.lastGood ?? head;
    if (r.leaves) leaves.push(r.leaves);
  }
  return { checked, bad, head, hashes, leaves };
}

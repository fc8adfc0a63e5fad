// The verifier: walks the chain in sequence order, recomputing every hash and link, then
// checks each signed checkpoint against the chain. Reports the first bad sequence
// number. Needs only the database and public keys, never the master key.
import type { Kysely } from 'kysely';
import type { AuditCheckpointRow, Database } from '../../db/schema.ts';
import { verifyJws, type PublicJwk } from '../../crypto/signing.ts';
import type { ChainHead } from '../../db/audit-chain.ts';
import { checkRange, stitchRanges, type ChainFinding, type ChainWalkResult, type RangeResult } from './chain-ranges.ts';
import { CHECKPOINT_TYP } from './checkpoint.ts';

export type VerifyResult = {
  ok: boolean;
  checked: number;
  first_bad_seq: number | null;
  head: ChainHead | null;
  checkpoints: number;
  problem: string | null;
};

const PAGE = 5000;

/** Walks the whole chain; `wanted` names the seqs whose hashes the checkpoints need. */
export type ChainWalk = (wanted: ReadonlySet<number>) => Promise<ChainWalkResult>;

/** Checks checkpoints against the event hashes seen; returns the earliest bad seq, if any. */
export async function checkCheckpoints(
  checkpoints: AuditCheckpointRow[],
  hashAt: (seq: number) => string | undefined,
  lastSeq: number,
  jwks: { keys: PublicJwk[] },
): Promise<{ seq: number; problem: string } | null> {
  let lastGood = 0;
  for (const cp of [...checkpoints].sort((a, b) => a.seq - b.seq)) {
    let payload: Record<string, unknown>;
    try {
      payload = await verifyJws(cp.jws, jwks, CHECKPOINT_TYP);
    } catch {
      return { seq: lastGood + 1, problem: `checkpoint ${cp.seq} has no valid signature` };
    }
    if (payload.seq !== cp.seq || payload.head !== cp.hash) {
      return { seq: lastGood + 1, problem: `checkpoint ${cp.seq} row differs from what was signed` };
    }
    if (cp.seq > lastSeq) return { seq: lastSeq + 1, problem: `events after ${lastSeq} are missing (checkpoint ${cp.seq})` };
    if (hashAt(cp.seq) !== cp.hash) {
      return { seq: lastGood + 1, problem: `chain differs from signed checkpoint ${cp.seq}` };
    }
    lastGood = cp.seq;
  }
  return null;
}

/** The default walk: pages of events through the query builder, on any store. */
export function pagedChainWalk(db: Kysely<Database>, page = PAGE): ChainWalk {
  return async (wanted) => {
    const ranges: RangeResult[] = [];
    // The first page has no lower bound: a row forged below seq 1 must be seen, not skipped.
    let after: number | null = null;
    for (;;) {
      const q = db.selectFrom('audit_events').selectAll();
      const rows = await (after === null ? q : q.where('seq', '>', after)).orderBy('seq').limit(page).execute();
      // Each page is checked as a range of its own; stitching checks the links between pages.
      const r = checkRange(rows, (after ?? 0) + 1, wanted);
      ranges.push(r);
      if (rows.length < page || r.bad) break;
      after = rows[rows.length - 1]!.seq;
    }
    return stitchRanges(ranges);
  };
}

/**
 * Verifies the chain (walked by `walk`: the paged default, or a runtime's faster one) and
 * every signed checkpoint against it.
 */
export async function verifyAuditLog(db: Kysely<Database>, jwks: { keys: PublicJwk[] }, walk: ChainWalk = pagedChainWalk(db)): Promise<VerifyResult> {
  const checkpoints = await db.selectFrom('audit_checkpoints').selectAll().execute();
  const chain = await walk(new Set(checkpoints.map((c) => c.seq)));
  const lastSeq = chain.bad ? chain.bad.seq - 1 : (chain.head?.seq ?? 0);
  const cpBad = await checkCheckpoints(checkpoints, (s) => (s <= lastSeq ? chain.hashes.get(s) : undefined), lastSeq, jwks);
  const findings = [chain.bad, cpBad].filter((f): f is ChainFinding => f !== null);
  findings.sort((a, b) => a.seq - b.seq);
  const first = findings[0] ?? null;
  return {
    ok: first === null,
    checked: chain.checked,
    first_bad_seq: first?.seq ?? null,
    head: chain.head,
    checkpoints: checkpoints.length,
    problem: first?.problem ?? null,
  };
}

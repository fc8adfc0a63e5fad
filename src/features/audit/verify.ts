// The verifier: walks the chain in sequence order, recomputing every hash and link, then
// checks each signed checkpoint against the chain. Reports the first bad sequence
// number. Needs only the database and public keys, never the master key.
import type { Kysely } from 'kysely';
import type { AuditCheckpointRow, AuditEventRow, Database } from '../../db/schema.ts';
import { verifyJws, type PublicJwk } from '../../crypto/signing.ts';
import { GENESIS_HASH, hashEvent, type ChainHead } from './chain.ts';
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

/** Incremental chain checker, shared by the database walk and the offline export check. */
export function chainChecker() {
  let expected = 1;
  let prev = GENESIS_HASH;
  let bad: { seq: number; problem: string } | null = null;
  let checked = 0;
  return {
    push(row: AuditEventRow): boolean {
      if (bad) return false;
      checked += 1;
      if (row.seq !== expected) bad = { seq: expected, problem: `expected seq ${expected}, found ${row.seq}` };
      else if (row.prev_hash !== prev) bad = { seq: row.seq, problem: 'link to previous event broken' };
      else if (hashEvent(row) !== row.hash) bad = { seq: row.seq, problem: 'event hash does not match its content' };
      else {
        expected += 1;
        prev = row.hash;
        return true;
      }
      return false;
    },
    get bad() { return bad; },
    get checked() { return checked; },
    get head(): ChainHead | null { return expected > 1 ? { seq: expected - 1, hash: prev } : null; },
  };
}

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

export async function verifyAuditLog(db: Kysely<Database>, jwks: { keys: PublicJwk[] }): Promise<VerifyResult> {
  const checkpoints = await db.selectFrom('audit_checkpoints').selectAll().execute();
  const wanted = new Set(checkpoints.map((c) => c.seq));
  const seen = new Map<number, string>();
  const chain = chainChecker();
  let after = 0;
  for (;;) {
    const rows = await db.selectFrom('audit_events').selectAll().where('seq', '>', after).orderBy('seq').limit(PAGE).execute();
    for (const row of rows) {
      if (wanted.has(row.seq)) seen.set(row.seq, row.hash);
      chain.push(row);
    }
    if (rows.length < PAGE || chain.bad) break;
    after = rows[rows.length - 1]!.seq;
  }
  const lastSeq = chain.bad ? chain.bad.seq - 1 : (chain.head?.seq ?? 0);
  const cpBad = await checkCheckpoints(checkpoints, (s) => (s <= lastSeq ? seen.get(s) : undefined), lastSeq, jwks);
  const findings = [chain.bad, cpBad].filter((f): f is { seq: number; problem: string } => f !== null);
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

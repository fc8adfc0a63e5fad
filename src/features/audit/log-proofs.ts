// Inclusion and consistency proofs (RFC 9162 §2.1.3, §2.1.4) from the stored tree, always
// against a size some signed checkpoint names, which comes with the proof: a verifier needs
// the proof, the checkpoint and the log key it pinned, nothing else from Trove.
// Who sees what: an auditor gets the event's canonical form; a consumer gets it for their
// own events; a brand gets only the leaf hash (the event names the consumer's internal id,
// which a brand never learns), enough to check that its copy is in the log.
import type { Kysely } from 'kysely';
import type { Deps } from '../../deps.ts';
import type { AuditEventRow, Database, LogCheckpointRow } from '../../db/schema.ts';
import { canonicalEvent } from '../../db/audit-chain.ts';
import { BadRequest, NotFound } from '../../errors.ts';
import { eventLeafHash } from './event-leaf.ts';
import { eventById } from './event-by-id.ts';
import { latestCheckpoint } from './log-checkpoint.ts';
import { toBase64 } from './tlog/bytes.ts';
import { consistencyPlan, fetchProof, inclusionPlan } from './tlog/merkle-proofs.ts';
import { nodeReader } from './tree-nodes.ts';

export type InclusionProof = {
  seq: number;
  leaf_index: number;
  tree_size: number;
  leaf_hash: string;
  /** The event's canonical form (the leaf's bytes after 0x00), or null where the caller may not see it. */
  canonical: string | null;
  proof: string[];
  /** The C2SP signed note of the checkpoint of tree_size. */
  checkpoint: string;
};

/** The checkpoint of `size` (the latest when absent); sizes no checkpoint names are refused. */
async function signedAt(db: Kysely<Database>, size: number | undefined): Promise<LogCheckpointRow> {
  if (size === undefined) {
    const latest = await latestCheckpoint(db);
    if (!latest) throw new NotFound('No checkpoint has been signed yet; try again in a few seconds.');
    return latest;
  }
  const row = await db.selectFrom('log_checkpoints').selectAll().where('size', '=', size).executeTakeFirst();
  if (!row) throw new BadRequest(`tree_size: no signed checkpoint has size ${size}; use a size from /v1/audit/checkpoints`);
  return { ...row, size: Number(row.size) };
}

export async function inclusionProofOf(deps: Deps, event: AuditEventRow, opts: { treeSize?: number; showCanonical: boolean }): Promise<InclusionProof> {
  const db = deps.store.db;
  const cp = await signedAt(db, opts.treeSize);
  if (event.seq > cp.size) {
    if (opts.treeSize !== undefined) throw new BadRequest(`tree_size: entry ${event.seq} is not in the tree of size ${cp.size}`);
    throw new NotFound(`Entry ${event.seq} is not yet covered by a signed checkpoint (the latest has size ${cp.size}); try again in a few seconds.`);
  }
  const index = event.seq - 1;
  const proof = await fetchProof(inclusionPlan(index, cp.size), nodeReader(db));
  return {
    seq: event.seq,
    leaf_index: index,
    tree_size: cp.size,
    leaf_hash: toBase64(eventLeafHash(event)),
    canonical: opts.showCanonical ? canonicalEvent(event) : null,
    proof: proof.map(toBase64),
    checkpoint: cp.note,
  };
}

/** An event by seq (auditors) or by id within an owner's scope (consumers, brands); 404 otherwise. */
export async function eventFor(db: Kysely<Database>, where: { seq: number } | { id: string; consumerId?: string; brandId?: string }): Promise<AuditEventRow> {
  const row =
    'seq' in where ? await db.selectFrom('audit_events').selectAll().where('seq', '=', where.seq).executeTakeFirst() : await eventById(db, where.id, where);
  if (!row) throw new NotFound('No such audit event.');
  return row;
}

export type ConsistencyProof = { from: number; to: number; proof: string[]; checkpoint: string };

export async function consistencyProofOf(deps: Deps, from: number, to: number | undefined): Promise<ConsistencyProof> {
  const db = deps.store.db;
  const cp = await signedAt(db, to);
  if (from > cp.size) throw new BadRequest(`from: must be at most ${cp.size}, the size of the checkpoint proved against`);
  const proof = from === 0 || from === cp.size ? [] : await fetchProof(consistencyPlan(from, cp.size), nodeReader(db));
  return { from, to: cp.size, proof: proof.map(toBase64), checkpoint: cp.note };
}

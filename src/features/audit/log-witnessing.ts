// Pushes each signed checkpoint to the configured witnesses (C2SP tlog-witness
// add-checkpoint, with a consistency proof from the size the witness last cosigned) and
// keeps their cosignatures on the stored note. A witness that refuses a checkpoint as
// inconsistent has seen another history of this log: that is logged as an error, loudly.
// One that is down is a warning; the next checkpoint tries again.
import type { Kysely } from 'kysely';
import type { Deps } from '../../deps.ts';
import type { Database, LogCheckpointRow } from '../../db/schema.ts';
import { fetchProof, consistencyPlan } from './tlog/merkle-proofs.ts';
import { parseCosignedBy } from './log-notes.ts';
import { nodeReader } from './tree-nodes.ts';
import { latestCheckpoint } from './checkpoint-rows.ts';
import { GuardFailed } from '../../errors.ts';
import { pushCheckpoint } from './witness-push.ts';

const PUSH_TIMEOUT_MS = 5000;
// What each witness last cosigned, per process: a guess that saves a 409 round trip.
const lastSizes = new Map<string, number>();

export async function witnessCheckpoint(deps: Deps, given: LogCheckpointRow): Promise<void> {
  const fetch = deps.operatorFetch;
  if (!fetch) return;
  const db = deps.store.db;
  for (const w of deps.config.witnesses) {
    // Push the newest checkpoint there is: another node may have signed a larger one meanwhile.
    const latest = await latestCheckpoint(db);
    const cp = latest && latest.size > given.size ? latest : given;
    if (parseCosignedBy(cp.note, w.vkey)) continue;
    const result = await pushCheckpoint(w, cp.note, (old) => fetchProof(consistencyPlan(old, cp.size), nodeReader(db)), {
      fetch,
      timeoutMs: PUSH_TIMEOUT_MS,
      lastKnownSize: lastSizes.get(w.url),
    });
    if (!result.ok) {
      if (result.witnessSize !== undefined) lastSizes.set(w.url, result.witnessSize);
      const fields = { witness: w.url, size: cp.size, kind: result.kind, problem: result.message };
      if (result.kind === 'inconsistent' || result.kind === 'conflict')
        deps.log.error('a witness refused the audit log checkpoint: it has seen another history', fields);
      else deps.log.warn('audit log checkpoint not witnessed; the next checkpoint tries again', fields);
      continue;
    }
    lastSizes.set(w.url, result.size);
    await addCosignature(db, deps, cp.size, result.lines);
  }
}

/** Appends cosignature lines to a stored note: compare-and-set, so concurrent merges keep both. */
async function addCosignature(db: Kysely<Database>, deps: Deps, size: number, lines: string): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const row = await db.selectFrom('log_checkpoints').select('note').where('size', '=', size).executeTakeFirst();
    if (!row) return;
    const fresh = lines.split(/(?<=\n)/).filter((l) => l && !row.note.includes(l));
    if (fresh.length === 0) return;
    const cas = db
      .updateTable('log_checkpoints')
      .set({ note: row.note + fresh.join('') })
      .where('size', '=', size)
      .where('note', '=', row.note);
    try {
      await deps.store.commit({ guards: [{ name: 'checkpoint_note_unchanged', changes: cas }] });
      return;
    } catch (err) {
      if (!(err instanceof GuardFailed)) throw err;
    }
  }
  deps.log.warn('a witness cosignature could not be stored; the next checkpoint is witnessed again', { size });
}

// Which stored checkpoints a verifier may rely on: those a trusted log key signed (the pinned
// one, and a key it handed over to), cosigned by k pinned witnesses when asked. A hand-over
// counts only as the rotation made it: a keys.log_key_rotated event naming an old key already
// trusted and the new key, and a checkpoint covering that event signed by both. (The event's
// own content is then bound by that checkpoint's root, which the verifier checks leaf by leaf.)
// From that checkpoint on the old key alone is no longer enough: a key that leaked and was
// rotated away cannot sign the log's future.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { ChainFinding } from './chain-ranges.ts';
import type { VerifyLogOptions } from './verify-log.ts';
import { requireCosignatures } from './require-cosignatures.ts';
import { toBase64 } from './tlog/bytes.ts';
import { parseCheckpoint } from './tlog/checkpoint.ts';
import type { Hash } from './tlog/merkle.ts';
import { noteVerifier, parseVerifierKey } from './tlog/note-keys.ts';
import { openNote } from './tlog/signed-note.ts';

export type Trusted = { size: number; root: Hash; note: string; cosignatures: number };

type Handover = { seq: number; old: string; new: string };

async function handovers(db: Kysely<Database>): Promise<Handover[]> {
  const rows = await db.selectFrom('audit_events').select(['seq', 'detail']).where('action', '=', 'keys.log_key_rotated').orderBy('seq').execute();
  return rows.flatMap((r) => {
    try {
      const d = JSON.parse(r.detail ?? '{}') as { old?: unknown; new?: unknown };
      return typeof d.old === 'string' && typeof d.new === 'string' ? [{ seq: Number(r.seq), old: d.old, new: d.new }] : [];
    } catch {
      return [];
    }
  });
}

const idOf = (vkey: string) => {
  const k = parseVerifierKey(vkey);
  return `${k.name}+${k.keyId}`;
};

/** The stored checkpoints this verifier trusts, ascending; and every row that fails (as findings). */
export async function trustedCheckpoints(db: Kysely<Database>, opts: VerifyLogOptions): Promise<{ trusted: Trusted[]; bad: ChainFinding[]; keys: string[] }> {
  const keys = [...opts.logKeys]; // every key trusted at some point, in the order followed
  const active = new Set(keys); // the keys that may sign the next checkpoint
  // A database without a log key (a bare store, before first start) has nothing to trust.
  const origin = keys[0] === undefined ? null : parseVerifierKey(keys[0]).name;
  const pending = await handovers(db);
  const rows = await db.selectFrom('log_checkpoints').selectAll().orderBy('size').execute();
  const trusted: Trusted[] = [];
  const bad: ChainFinding[] = [];
  for (const row of rows) {
    const size = Number(row.size);
    // New keys this checkpoint may hand over to: announced at or before its size by a trusted key.
    const candidates = pending.filter((h) => h.seq <= size && active.has(h.old) && !keys.includes(h.new));
    try {
      const note = await openNote(row.note, [...active, ...candidates.map((c) => c.new)].map(noteVerifier));
      const signedBy = new Set(note.sigs.map((s) => `${s.name}+${s.keyId}`));
      if (origin === null || ![...active].some((k) => signedBy.has(idOf(k)))) throw new Error('no signature by a trusted log key');
      const checkpoint = parseCheckpoint(note.text);
      if (checkpoint.origin !== origin) throw new Error(`origin ${JSON.stringify(checkpoint.origin)} is not the log's`);
      if (checkpoint.size !== size || toBase64(checkpoint.rootHash) !== row.root) throw new Error('its row differs from what was signed');
      let cosignatures = 0;
      if (opts.witnesses?.length) {
        const check = await requireCosignatures(row.note, opts.witnesses, Math.min(opts.minWitnesses ?? 1, new Set(opts.witnesses).size));
        cosignatures = check.cosigned.length;
        if (!check.ok) continue; // log-signed but not witnessed enough: not an anchor for this verifier
      }
      for (const c of candidates) {
        if (!signedBy.has(idOf(c.new)) || !signedBy.has(idOf(c.old))) continue;
        keys.push(c.new);
        active.add(c.new);
        active.delete(c.old);
      }
      // Keys pinned side by side retire the same way once their hand-over is seen.
      for (const h of pending)
        if (h.seq <= size && active.has(h.new) && active.has(h.old) && signedBy.has(idOf(h.new)) && signedBy.has(idOf(h.old))) active.delete(h.old);
      trusted.push({ size, root: checkpoint.rootHash, note: row.note, cosignatures });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      // What it claimed to cover, from the last checkpoint that did verify, is unanchored.
      bad.push({ seq: (trusted.at(-1)?.size ?? 0) + 1, problem: `the checkpoint of size ${size} does not verify with the log key (${why})` });
    }
  }
  return { trusted, bad, keys };
}

// Checks, in the browser, what the server says about its audit log while trusting none of it:
// an entry's inclusion proof (its leaf recomputed from the event's canonical form, the path
// from that leaf to the checkpoint's root, the checkpoint's signature by the log key this
// browser pinned), and a newer checkpoint's consistency with one remembered from before.
// Pure: no fetch, no storage; callers bring the server's answers and what was remembered.
// The RFC 9162 and C2SP code is the server's own tlog/ modules (no node: imports).
import type { InclusionProof } from '../../src/features/audit/log-proofs.ts';
import { fromBase64 } from '../../src/features/audit/tlog/bytes.ts';
import { CheckpointError, openCheckpoint, parseCheckpoint, type Checkpoint } from '../../src/features/audit/tlog/checkpoint.ts';
import { hashEquals, leafHash } from '../../src/features/audit/tlog/merkle.ts';
import { verifyConsistency, verifyInclusion } from '../../src/features/audit/tlog/merkle-verify.ts';
import { noteVerifier, parseVerifierKey } from '../../src/features/audit/tlog/note-keys.ts';
import { hex8, NoteError, parseNote } from '../../src/features/audit/tlog/signed-note.ts';

/** A log key as people compare it: its name (the log's origin) and its 8-hex-digit key id. */

export type KeyRef = { name: string; id: string };

/** What GET /api/me/activity/{id}/proof (and the auditors' inclusion proof) answers. */
export type EntryProof = InclusionProof;

/** The event the proof is asked for, as the page shows it. */
export type ShownEvent = { id: string; seq: number; ts?: number; action?: string; outcome?: string };

/** A checkpoint this verifier accepted, remembered for next time. */
export type RememberedCheckpoint = { size: number; root: string; note: string };

/**
 * A pasted or stored verifier key ("name+hex8+base64(0x01 ‖ key)"), checked: well formed,
 * its key id matching its key, an Ed25519 note key. Surrounding white space is dropped.
 */
export function readLogKey(text: string): { ok: true; vkey: string; key: KeyRef } | { ok: false; problem: string } {
  const vkey = text.trim();
  if (!vkey) return { ok: false, problem: 'Paste the log key first.' };
  try {
    const k = parseVerifierKey(vkey);
    noteVerifier(k); // refuses key types other than a plain Ed25519 note key
    return { ok: true, vkey, key: { name: k.name, id: hex8(k.keyId) } };
  } catch (err) {
    return { ok: false, problem: `This is not a log verifier key (name+key id+base64 key): ${(err as Error).message}.` };
  }
}

/** The keys a signed note's signature lines name (nothing verified); [] when it is malformed. */
export function noteSigners(note: string): KeyRef[] {
  try {
    return parseNote(note).sigs.map((s) => ({ name: s.name, id: hex8(s.keyId) }));
  } catch {
    return [];
  }
}

export const keyText = (k: KeyRef) => `${k.name} (${k.id})`;

type Opened = { ok: true; checkpoint: Checkpoint } | { ok: false; otherKey: boolean; problem: string };

/** The checkpoint, if `vkey` signed it (its origin is the key's name, as Trove signs it). */
async function openWith(vkey: string, note: string): Promise<Opened> {
  const key = readLogKey(vkey);
  if (!key.ok) return { ok: false, otherKey: false, problem: key.problem };
  try {
    const { checkpoint } = await openCheckpoint(note, [noteVerifier(key.vkey)], key.key.name);
    return { ok: true, checkpoint };
  } catch (err) {
    if (err instanceof NoteError && err.code === 'unverified') {
      const by = noteSigners(note).map(keyText).join(', ') || 'no key';
      return { ok: false, otherKey: true, problem: `the checkpoint is signed by ${by}, not by ${keyText(key.key)}` };
    }
    if (err instanceof NoteError && err.code === 'invalid-signature') {
      return { ok: false, otherKey: false, problem: `the checkpoint’s signature by ${keyText(key.key)} is not valid` };
    }
    if (err instanceof NoteError || err instanceof CheckpointError)
      return { ok: false, otherKey: false, problem: `the checkpoint is malformed (${err.message})` };
    throw err;
  }
}

/** The checkpoint in a note, parsed but not verified (for showing what could not be checked). */
function unverifiedCheckpoint(note: string): Checkpoint | null {
  try {
    return parseCheckpoint(parseNote(note).text);
  } catch {
    return null;
  }
}

const decodeHashes = (list: unknown): Uint8Array[] | null => {
  if (!Array.isArray(list)) return null;
  const out = list.map((h) => (typeof h === 'string' ? fromBase64(h) : null));
  return out.every((h): h is Uint8Array<ArrayBuffer> => h !== null && h.length === 32) ? out : null;
};

export type EntryVerdict =
  /** Everything checks out, the signature included. */
  | { status: 'verified'; entry: number; size: number; key: KeyRef }
  /** The entry's path to the checkpoint checks out, but no log key was at hand to check the signature with. */
  | { status: 'unsigned'; entry: number; size: number; signers: KeyRef[] }
  /** The checkpoint is not signed by the key given (it names other keys): a changed key, or another log. */
  | { status: 'other-key'; signers: KeyRef[]; key: KeyRef; problem: string }
  | { status: 'failed'; problem: string };

/**
 * Verifies an entry's proof: that it is about the event shown (same id and position, and for
 * a version-1 canonical form the same time, action and outcome), that the event's canonical
 * form hashes to the proof's leaf, that the leaf's path leads to the checkpoint's root, and,
 * with `vkey`, that the checkpoint is signed by that key. Without `vkey` the answer is at best
 * 'unsigned'.
 */
export async function verifyEntryProof(p: EntryProof, shown: ShownEvent, vkey: string | null): Promise<EntryVerdict> {
  const fail = (problem: string): EntryVerdict => ({ status: 'failed', problem });
  let checkpoint: Checkpoint | null;
  let key: KeyRef | null = null;
  if (vkey === null) {
    checkpoint = unverifiedCheckpoint(p.checkpoint);
    if (!checkpoint) return fail('the checkpoint is malformed');
  } else {
    const opened = await openWith(vkey, p.checkpoint);
    if (!opened.ok) {
      const k = readLogKey(vkey);
      if (opened.otherKey && k.ok) return { status: 'other-key', signers: noteSigners(p.checkpoint), key: k.key, problem: opened.problem };
      return fail(opened.problem);
    }
    checkpoint = opened.checkpoint;
    key = (readLogKey(vkey) as { key: KeyRef }).key;
  }
  if (p.tree_size !== checkpoint.size) return fail(`the proof is for a tree of ${p.tree_size} entries, its checkpoint for ${checkpoint.size}`);
  if (p.seq !== shown.seq || p.leaf_index !== shown.seq - 1) return fail(`the proof is for entry ${p.leaf_index + 1}, not entry ${shown.seq}`);
  if (typeof p.canonical !== 'string') return fail('the proof does not include the event’s recorded form to check');
  let fields: unknown;
  try {
    fields = JSON.parse(p.canonical);
  } catch {
    return fail('the event’s recorded form is not valid JSON');
  }
  if (!Array.isArray(fields) || fields[1] !== shown.seq || fields[2] !== shown.id) return fail('the recorded event is not the one shown here');
  if (fields[0] === 'trove-audit-v1') {
    const [, , , ts, , , action, outcome] = fields;
    const differs = (a: unknown, b: unknown) => b !== undefined && a !== b;
    if (differs(ts, shown.ts) || differs(action, shown.action) || differs(outcome, shown.outcome)) {
      return fail('the recorded event differs from what this page shows (time, action or outcome)');
    }
  }
  const leaf = leafHash(new TextEncoder().encode(p.canonical));
  const claimed = fromBase64(p.leaf_hash);
  if (!claimed || !hashEquals(leaf, claimed)) return fail('the event’s recorded form does not hash to the leaf the proof is for');
  const path = decodeHashes(p.proof);
  if (!path) return fail('the proof holds a value that is not a 32-byte hash');
  if (!verifyInclusion(leaf, p.leaf_index, p.tree_size, path, checkpoint.rootHash))
    return fail('the path from this entry does not lead to the checkpoint’s root hash');
  if (!key) return { status: 'unsigned', entry: p.leaf_index + 1, size: checkpoint.size, signers: noteSigners(p.checkpoint) };
  return { status: 'verified', entry: p.leaf_index + 1, size: checkpoint.size, key };
}

/** What GET /v1/audit/proof/consistency answers (or, with no checkpoint remembered, just the latest note). */
export type LatestCheckpoint = { note: string; from?: number; proof?: string[] };

export type AdvanceVerdict =
  /** Signed by the pinned key and, when one was remembered, an extension of it: remember `next`. */
  | { status: 'consistent'; key: KeyRef; next: RememberedCheckpoint; previous: RememberedCheckpoint | null }
  /** The latest checkpoint is not signed by the pinned key. */
  | { status: 'not-signed'; key: KeyRef; signers: KeyRef[]; problem: string }
  /** Signed by the pinned key, yet not an extension of the checkpoint remembered. */
  | { status: 'rewritten'; previous: RememberedCheckpoint; size: number; problem: string }
  | { status: 'failed'; problem: string };

/** The words for a log that no longer contains the checkpoint remembered. */
export function rewrittenProblem(previous: RememberedCheckpoint, size: number): string {
  return size < previous.size
    ? `the log was rewritten: it now has ${size} entries, fewer than the ${previous.size} of the checkpoint you saw (rolled back or truncated)`
    : `the log was rewritten: the checkpoint of size ${previous.size} you saw is not contained in the current log (size ${size})`;
}

/**
 * Verifies the latest checkpoint with the pinned key and, when a checkpoint was remembered,
 * the consistency proof from it (RFC 9162 §2.1.4): the old tree must be a prefix of the new.
 */
export async function verifyAdvance(vkey: string, previous: RememberedCheckpoint | null, latest: LatestCheckpoint): Promise<AdvanceVerdict> {
  const key = readLogKey(vkey);
  if (!key.ok) return { status: 'failed', problem: key.problem };
  const opened = await openWith(key.vkey, latest.note);
  if (!opened.ok) {
    const problem = opened.otherKey ? `${opened.problem}: not signed by your pinned key` : opened.problem;
    return { status: 'not-signed', key: key.key, signers: noteSigners(latest.note), problem };
  }
  const cp = opened.checkpoint;
  const next: RememberedCheckpoint = { size: cp.size, root: parseNote(latest.note).text.split('\n')[2]!, note: latest.note };
  if (!previous) return { status: 'consistent', key: key.key, next, previous: null };
  const oldRoot = fromBase64(previous.root);
  if (oldRoot?.length !== 32 || !Number.isSafeInteger(previous.size) || previous.size < 1) {
    return { status: 'failed', problem: 'the checkpoint remembered in this browser is damaged; forget the key and pin it again' };
  }
  const rewritten = (): AdvanceVerdict => ({ status: 'rewritten', previous, size: cp.size, problem: rewrittenProblem(previous, cp.size) });
  if (cp.size < previous.size) return rewritten();
  if (latest.from !== undefined && latest.from !== previous.size) {
    return { status: 'failed', problem: `the consistency proof starts at size ${latest.from}, not at the ${previous.size} remembered` };
  }
  const proof = decodeHashes(latest.proof ?? []);
  if (!proof) return { status: 'failed', problem: 'the consistency proof holds a value that is not a 32-byte hash' };
  if (!verifyConsistency(previous.size, cp.size, oldRoot, cp.rootHash, proof)) return rewritten();
  return { status: 'consistent', key: key.key, next, previous };
}

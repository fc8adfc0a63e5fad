// The portal's own checks of the audit log (web/src/log-proof.ts), on real proofs and real
// signed checkpoints from a Trove app: a consumer's entry proof verified with the pinned log
// key, and refused when anything is off (the event's form, the proof's position, the path,
// the key, the signature); an auditor's consistency check between a remembered checkpoint
// and the latest, and the rewrite an operator with the database and the log key can make.
import { beforeAll, describe, expect, it } from 'vitest';
import { advanceLog } from '../../src/features/audit/log-checkpoint.ts';
import { generateNoteKey, noteSigner } from '../../src/features/audit/tlog/note-keys.ts';
import { parseNote, signNote } from '../../src/features/audit/tlog/signed-note.ts';
import { storedLogKeys } from '../../src/features/audit/verify.ts';
import {
  type EntryProof,
  noteSigners,
  readLogKey,
  type RememberedCheckpoint,
  type ShownEvent,
  verifyAdvance,
  verifyEntryProof,
} from '../../web/src/log-proof.ts';
import { asAuditor, auditWorld, type World } from '../helpers/audit-world.ts';
import { exec, rehashFrom, resign } from '../helpers/log-attacks.ts';

type Activity = { events: { id: string; seq: number; ts: number; action: string; outcome: string }[] };

let w: World;
let logKey: string;
let read: ShownEvent;
let other: ShownEvent;
let proof: EntryProof;

async function proofOf(e: ShownEvent): Promise<EntryProof> {
  const res = await w.a.call(`/api/me/activity/${e.id}/proof`);
  expect(res.status).toBe(200);
  return (await res.json()) as EntryProof;
}

/** A copy of the proof with some fields changed (the original stays as the server sent it). */
const tweak = (p: EntryProof, change: Partial<EntryProof>): EntryProof => ({ ...structuredClone(p), ...change });

beforeAll(async () => {
  w = await auditWorld();
  [logKey] = (await storedLogKeys(w.deps.store.db)) as [string];
  const activity = (await (await w.a.call('/api/me/activity?limit=200')).json()) as Activity;
  const reads = activity.events.filter((e) => e.action === 'grant.read' && e.outcome === 'success');
  [read, other] = reads as [ShownEvent, ShownEvent];
  proof = await proofOf(read);
});

describe('a log key as pasted', () => {
  it('is accepted when well formed, with its name and key id', async () => {
    const k = readLogKey(`  ${logKey}\n`);
    expect(k).toEqual({ ok: true, vkey: logKey, key: { name: logKey.split('+')[0], id: logKey.split('+')[1] } });
  });

  it('is refused when empty, malformed, or its key id does not match its key', async () => {
    expect(readLogKey('')).toMatchObject({ ok: false, problem: 'Paste the log key first.' });
    expect(readLogKey('not a key')).toMatchObject({ ok: false });
    const [, name, id, b64] = /^([^+]+)\+([^+]+)\+(.*)$/.exec(logKey) as unknown as [string, string, string, string];
    const otherId = ((Number.parseInt(id, 16) ^ 1) >>> 0).toString(16).padStart(8, '0');
    expect(readLogKey(`${name}+${otherId}+${b64}`)).toMatchObject({ ok: false, problem: expect.stringContaining('does not match') });
    // A witness cosignature key (type 0x04) is not a log key.
    const witness = await generateNoteKey('witness.example', 0x04);
    expect(readLogKey(witness.vkey)).toMatchObject({ ok: false });
  });
});

describe('an entry proof, checked as the consumer’s browser does', () => {
  it('verifies a read of the consumer’s data with the pinned log key', async () => {
    const v = await verifyEntryProof(proof, read, logKey);
    expect(v).toEqual({ status: 'verified', entry: read.seq, size: proof.tree_size, key: { name: logKey.split('+')[0], id: logKey.split('+')[1] } });
    expect(proof.tree_size).toBeGreaterThanOrEqual(read.seq);
  });

  it('without a key, checks the path but claims no signature', async () => {
    const v = await verifyEntryProof(proof, read, null);
    expect(v).toMatchObject({ status: 'unsigned', entry: read.seq, size: proof.tree_size, signers: noteSigners(proof.checkpoint) });
    expect(noteSigners(proof.checkpoint)).toEqual([{ name: logKey.split('+')[0], id: logKey.split('+')[1] }]);
  });

  it('refuses a tampered canonical form, even one that still names the event', async () => {
    const fields = JSON.parse(proof.canonical!) as unknown[];
    fields[12] = 'a purpose the brand never stated';
    const v = await verifyEntryProof(tweak(proof, { canonical: JSON.stringify(fields) }), read, logKey);
    expect(v).toEqual({ status: 'failed', problem: 'the event’s recorded form does not hash to the leaf the proof is for' });
    // A leaf hash recomputed to match the tampered form leads nowhere.
    const forged = JSON.stringify(fields);
    const { leafHash } = await import('../../src/features/audit/tlog/merkle.ts');
    const leaf = Buffer.from(leafHash(new TextEncoder().encode(forged))).toString('base64');
    expect(await verifyEntryProof(tweak(proof, { canonical: forged, leaf_hash: leaf }), read, logKey)).toEqual({
      status: 'failed',
      problem: 'the path from this entry does not lead to the checkpoint’s root hash',
    });
  });

  it('refuses a proof for another entry, or a recorded event other than the one shown', async () => {
    const theirs = await proofOf(other);
    // The other read's (valid) proof offered for this row: the canonical form names the other event.
    expect(await verifyEntryProof(theirs, read, logKey)).toMatchObject({
      status: 'failed',
      problem: `the proof is for entry ${other.seq}, not entry ${read.seq}`,
    });
    expect(await verifyEntryProof(tweak(theirs, { seq: read.seq, leaf_index: read.seq - 1 }), read, logKey)).toMatchObject({
      status: 'failed',
      problem: 'the recorded event is not the one shown here',
    });
    // This entry's leaf claimed at a neighbouring index.
    expect(await verifyEntryProof(tweak(proof, { leaf_index: proof.leaf_index - 1 }), read, logKey)).toMatchObject({ status: 'failed' });
    expect(await verifyEntryProof(tweak(proof, { seq: read.seq + 1, leaf_index: read.seq }), { ...read, seq: read.seq + 1 }, logKey)).toMatchObject({
      status: 'failed',
      problem: 'the recorded event is not the one shown here',
    });
    // The row shown says something the log does not.
    expect(await verifyEntryProof(proof, { ...read, outcome: 'denied' }, logKey)).toMatchObject({
      status: 'failed',
      problem: 'the recorded event differs from what this page shows (time, action or outcome)',
    });
  });

  it('refuses a path with a changed hash, and a proof without the event’s form', async () => {
    const path = [...proof.proof];
    const bytes = Buffer.from(path[0]!, 'base64');
    bytes[0]! ^= 1;
    path[0] = bytes.toString('base64');
    expect(await verifyEntryProof(tweak(proof, { proof: path }), read, logKey)).toMatchObject({
      status: 'failed',
      problem: 'the path from this entry does not lead to the checkpoint’s root hash',
    });
    expect(await verifyEntryProof(tweak(proof, { proof: [...proof.proof, 'AAAA'] }), read, logKey)).toMatchObject({ status: 'failed' });
    expect(await verifyEntryProof(tweak(proof, { canonical: null }), read, logKey)).toMatchObject({
      status: 'failed',
      problem: 'the proof does not include the event’s recorded form to check',
    });
  });

  it('reports another key when the checkpoint is not signed by the pinned one, and a bad signature as a failure', async () => {
    const name = logKey.split('+')[0]!;
    const stranger = await generateNoteKey(name); // same name, another key: what a re-keyed log would show
    const v = await verifyEntryProof(proof, read, stranger.vkey);
    expect(v).toMatchObject({ status: 'other-key', key: { name, id: stranger.vkey.split('+')[1] }, signers: [{ name, id: logKey.split('+')[1] }] });
    // The same checkpoint text re-signed by the stranger only: not the pinned log key's checkpoint.
    const { text } = parseNote(proof.checkpoint);
    const resigned = await signNote(text, [await noteSigner(stranger.skey)]);
    expect(await verifyEntryProof(tweak(proof, { checkpoint: resigned }), read, logKey)).toMatchObject({ status: 'other-key' });
    // A signature line of the pinned key over other text.
    const sigLine = proof.checkpoint.slice(proof.checkpoint.lastIndexOf('\n\n') + 1);
    const lines = text.split('\n');
    const bigger = `${[lines[0], String(Number(lines[1]) + 1), lines[2]].join('\n')}\n`;
    expect(await verifyEntryProof(tweak(proof, { checkpoint: `${bigger}${sigLine}` }), read, logKey)).toEqual({
      status: 'failed',
      problem: `the checkpoint’s signature by ${name} (${logKey.split('+')[1]}) is not valid`,
    });
    expect(await verifyEntryProof(tweak(proof, { checkpoint: 'garbage' }), read, logKey)).toMatchObject({ status: 'failed' });
  });
});

describe('the auditor’s check against a pinned key and a remembered checkpoint', () => {
  const auditor = () => asAuditor(w.app, w.auditors.all.token);
  const latestNote = async () => (await w.app.request('/v1/audit/checkpoint')).text();
  async function consistencyFrom(size: number) {
    const res = await auditor()(`/v1/audit/proof/consistency?from=${size}`);
    expect(res.status).toBe(200);
    const p = (await res.json()) as { from: number; to: number; proof: string[]; checkpoint: string };
    return { note: p.checkpoint, from: p.from, proof: p.proof };
  }

  it('accepts the first checkpoint it sees, then each that extends it', async () => {
    const first = await verifyAdvance(logKey, null, { note: await latestNote() });
    expect(first).toMatchObject({ status: 'consistent', previous: null });
    const remembered = (first as { next: RememberedCheckpoint }).next;
    expect(remembered.note).toBe(await latestNote());
    // Nothing new: the same checkpoint is consistent with itself.
    expect(await verifyAdvance(logKey, remembered, await consistencyFrom(remembered.size))).toMatchObject({ status: 'consistent', next: remembered });
    await w.a.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'later@example.com' } });
    await advanceLog(w.deps);
    const grown = await verifyAdvance(logKey, remembered, await consistencyFrom(remembered.size));
    expect(grown).toMatchObject({ status: 'consistent', previous: remembered });
    expect((grown as { next: RememberedCheckpoint }).next.size).toBeGreaterThan(remembered.size);
  });

  it('says when the latest checkpoint is not signed by the pinned key', async () => {
    const stranger = await generateNoteKey(logKey.split('+')[0]!);
    const v = await verifyAdvance(stranger.vkey, null, { note: await latestNote() });
    expect(v).toMatchObject({ status: 'not-signed', problem: expect.stringContaining('not signed by your pinned key') });
    expect(await verifyAdvance('nonsense', null, { note: await latestNote() })).toMatchObject({ status: 'failed' });
  });

  it('refuses a proof that does not start at the remembered size, or a damaged memory', async () => {
    const first = (await verifyAdvance(logKey, null, { note: await latestNote() })) as { next: RememberedCheckpoint };
    const older = { ...first.next, size: first.next.size - 1 };
    const p = await consistencyFrom(first.next.size);
    expect(await verifyAdvance(logKey, older, p)).toMatchObject({ status: 'failed', problem: expect.stringContaining('starts at size') });
    expect(await verifyAdvance(logKey, { ...first.next, root: 'AAAA' }, p)).toMatchObject({ status: 'failed', problem: expect.stringContaining('damaged') });
  });

  it('catches a rewrite of an entry the remembered checkpoint covers, re-signed with the real log key', async () => {
    const first = (await verifyAdvance(logKey, null, { note: await latestNote() })) as { next: RememberedCheckpoint };
    const remembered = first.next;
    // The operator edits a read already covered, mends the hash chain, rebuilds the tree and re-signs.
    await exec(w.deps, `UPDATE audit_events SET purpose = 'rewritten' WHERE seq = ${read.seq}`);
    await rehashFrom(w.deps, read.seq);
    await resign(w.deps);
    const after = await consistencyFrom(remembered.size);
    // Everything the server now says is signed by the real key...
    expect(await verifyAdvance(logKey, null, { note: after.note })).toMatchObject({ status: 'consistent' });
    // ...yet the log no longer contains what this auditor saw.
    const v = await verifyAdvance(logKey, remembered, after);
    const size = Number(parseNote(after.note).text.split('\n')[1]);
    expect(size).toBeGreaterThanOrEqual(remembered.size);
    expect(v).toEqual({
      status: 'rewritten',
      previous: remembered,
      size,
      problem: `the log was rewritten: the checkpoint of size ${remembered.size} you saw is not contained in the current log (size ${size})`,
    });
    // A log cut short is a rewrite too (the server would refuse the proof; its latest checkpoint is smaller).
    const bigger = { ...remembered, size: size + 5 };
    expect(await verifyAdvance(logKey, bigger, { note: after.note })).toMatchObject({
      status: 'rewritten',
      problem: `the log was rewritten: it now has ${size} entries, fewer than the ${size + 5} of the checkpoint you saw (rolled back or truncated)`,
    });
    // And the consumer's old proof no longer matches the new signed tree.
    const stale = await verifyEntryProof(tweak(proof, { checkpoint: after.note, tree_size: size }), read, logKey);
    expect(stale.status).toBe('failed');
  });
});

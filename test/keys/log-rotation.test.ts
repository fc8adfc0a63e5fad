// Log-key rotation is never silent: announced in the log, handed over in a checkpoint both
// keys sign, the old key retired after; a verifier that pinned the old key follows the
// hand-over and keeps verifying, and a key that appears without one is refused.
import { describe, expect, it } from 'vitest';
import type { AuditAction } from '../../src/db/audit-actions.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { advanceLog, latestCheckpoint } from '../../src/features/audit/log-checkpoint.ts';
import { parseNote } from '../../src/features/audit/tlog/signed-note.ts';
import { formatCheckpoint } from '../../src/features/audit/tlog/checkpoint.ts';
import { fromBase64 } from '../../src/features/audit/tlog/bytes.ts';
import { generateNoteKey, noteSigner, parseVerifierKey } from '../../src/features/audit/tlog/note-keys.ts';
import { signNote } from '../../src/features/audit/tlog/signed-note.ts';
import { storedLogKeys } from '../../src/features/audit/verify.ts';
import { verifyLog } from '../../src/features/audit/verify-log.ts';
import { logKeyRow } from '../../src/features/keys/log-key.ts';
import { rotateLogKey } from '../../src/features/keys/rotate-log.ts';
import { loggedDeps, pinnedVerifier } from '../helpers/log-attacks.ts';
import type { TestDeps } from '../helpers/deps.ts';

const grow = async (deps: TestDeps, n: number) => {
  for (let i = 0; i < n; i++) await commit(deps, { audit: [{ action: 'grant.read' as AuditAction, outcome: 'success', actor_type: 'system', detail: { i } }] });
  return advanceLog(deps);
};
const signerIds = (note: string) => parseNote(note).sigs.map((s) => s.keyId);

describe('log-key rotation', () => {
  it('announces the new key, hands over in a checkpoint both keys sign, then retires the old key', async () => {
    const deps = await loggedDeps(25);
    const { logKey: old } = await pinnedVerifier(deps);
    const r = await rotateLogKey(deps, { settleMs: 0 });
    expect(r).toMatchObject({ old: [old], resumed: false });
    const event = await deps.store.db.selectFrom('audit_events').selectAll().where('action', '=', 'keys.log_key_rotated').executeTakeFirstOrThrow();
    expect(JSON.parse(event.detail!)).toEqual({ old, new: r.vkey });
    const handover = await deps.store.db.selectFrom('log_checkpoints').selectAll().where('size', '=', r.checkpoint).executeTakeFirstOrThrow();
    expect(r.checkpoint).toBeGreaterThanOrEqual(event.seq);
    expect(signerIds(handover.note).sort()).toEqual([parseVerifierKey(old).keyId, parseVerifierKey(r.vkey).keyId].sort());
    expect(await storedLogKeys(deps.store.db)).toEqual([old, r.vkey]);
    expect(deps.keys.logSigners.map((s) => s.vkey)).toEqual([r.vkey]);
    const later = (await grow(deps, 5))!;
    expect(signerIds(later.note)).toEqual([parseVerifierKey(r.vkey).keyId]);
  });

  it('lets a verifier that pinned the old key follow the hand-over, and keep its state', async () => {
    const deps = await loggedDeps(25);
    const { logKey: old, state } = await pinnedVerifier(deps);
    const { vkey } = await rotateLogKey(deps, { settleMs: 0 });
    await grow(deps, 12);
    const v = await verifyLog(deps.store.db, { logKeys: [old], state });
    expect(v).toMatchObject({ ok: true, log_keys: [old, vkey], latest_checkpoint: { size: (await latestCheckpoint(deps.store.db))!.size } });
    // The new key alone, pinned by a newcomer, verifies the log from the hand-over on; the older
    // checkpoints it cannot check are named.
    expect((await verifyLog(deps.store.db, { logKeys: [vkey] })).ok).toBe(false);
  });

  it('finishes an interrupted rotation when run again', async () => {
    const deps = await loggedDeps(12);
    const [old] = (await storedLogKeys(deps.store.db)) as [string];
    // Interrupted after the announcement: two active keys, no hand-over checkpoint yet.
    const created = await logKeyRow(
      { db: deps.store.db, sodium: deps.sodium, now: deps.clock.now() },
      old.split('+')[0]!,
      deps.keys.kek(deps.keys.kekVersion),
      deps.keys.kekVersion,
      2,
    );
    await commit(deps, {
      writes: [created.insert],
      audit: [{ action: 'keys.log_key_rotated', outcome: 'success', actor_type: 'operator', detail: { old, new: created.vkey } }],
    });
    const r = await rotateLogKey(deps, { settleMs: 0 });
    expect(r).toMatchObject({ resumed: true, vkey: created.vkey, old: [old] });
    expect(await verifyLog(deps.store.db, { logKeys: [old] })).toMatchObject({ ok: true, log_keys: [old, created.vkey] });
  });

  it('refuses checkpoints signed by a key that was never handed over to', async () => {
    const deps = await loggedDeps(12);
    const { logKey: old, state } = await pinnedVerifier(deps);
    const rogue = await generateNoteKey(old.split('+')[0]!);
    await commit(deps, { audit: [{ action: 'grant.read', outcome: 'success', actor_type: 'system' }] });
    const cp = (await advanceLog(deps))!;
    // The operator swaps in its own key for the newest checkpoint, keeping the tree.
    const text = formatCheckpoint({ origin: old.split('+')[0]!, size: cp.size, rootHash: fromBase64(cp.root)!, extensions: [] });
    await deps.store.db
      .updateTable('log_checkpoints')
      .set({ note: await signNote(text, [await noteSigner(rogue.skey)]) })
      .where('size', '=', cp.size)
      .execute();
    expect(await verifyLog(deps.store.db, { logKeys: [old], state })).toMatchObject({
      ok: false,
      problem: expect.stringContaining(`checkpoint of size ${cp.size} does not verify`),
    });
  });

  it('stops trusting the old key alone after the hand-over', async () => {
    const deps = await loggedDeps(12);
    const { logKey: old, state } = await pinnedVerifier(deps);
    const oldSigner = deps.keys.logSigners[0]!.signer;
    const r = await rotateLogKey(deps, { settleMs: 0 });
    await commit(deps, { audit: [{ action: 'grant.read', outcome: 'success', actor_type: 'system' }] });
    const cp = (await advanceLog(deps))!;
    // Someone holding the retired key signs the newest checkpoint with it alone.
    const text = formatCheckpoint({ origin: old.split('+')[0]!, size: cp.size, rootHash: fromBase64(cp.root)!, extensions: [] });
    await deps.store.db
      .updateTable('log_checkpoints')
      .set({ note: await signNote(text, [oldSigner]) })
      .where('size', '=', cp.size)
      .execute();
    const v = await verifyLog(deps.store.db, { logKeys: [old], state });
    expect(v).toMatchObject({ ok: false, first_bad_seq: r.checkpoint + 1 });
    // Pinned side by side, the old key retires all the same once the hand-over is seen.
    expect((await verifyLog(deps.store.db, { logKeys: [old, r.vkey] })).ok).toBe(false);
  });
});

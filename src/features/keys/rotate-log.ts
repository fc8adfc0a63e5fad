// Log-key rotation, never silent: the new key is announced in the log (keys.log_key_rotated,
// naming old and new verifier keys), then a checkpoint covering that event is signed by both
// keys, so a verifier that pinned the old key can follow the hand-over (trusted-checkpoints.ts);
// only then does the old key retire. Interrupted anywhere, running it again finishes the job.
import type { Deps } from '../../deps.ts';
import { commit } from '../audit/commit.ts';
import { advanceLog } from '../audit/log-checkpoint.ts';
import { signNote, parseNote } from '../audit/tlog/signed-note.ts';
import { GuardFailed } from '../../errors.ts';
import { logKeyRow } from './log-key.ts';

export type LogRotation = { old: string[]; vkey: string; checkpoint: number; resumed: boolean };

/**
 * `settleMs` (the key cache TTL by default) is waited after the announcement, so that every
 * node has loaded the new key and signs with both before the hand-over: a verifier accepts
 * the old key alone only up to the hand-over checkpoint.
 */
export async function rotateLogKey(deps: Deps, opts: { settleMs?: number } = {}): Promise<LogRotation> {
  const db = deps.store.db;
  const now = deps.clock.now();
  await deps.keys.reload(now, { force: true });
  let signers = deps.keys.logSigners;
  if (signers.length === 0) throw new Error('no audit log key to rotate; start Trove once to create it');
  const resumed = signers.length > 1;
  if (!resumed) {
    const current = signers[0]!;
    const versions = await db.selectFrom('keys').select('version').where('kind', '=', 'log').execute();
    const next = Math.max(...versions.map((v) => v.version)) + 1;
    const created = await logKeyRow({ db, sodium: deps.sodium, now }, current.signer.name, deps.keys.kek(deps.keys.kekVersion), deps.keys.kekVersion, next);
    await commit(deps, {
      guards: [{ name: 'log_key_active', exists: db.selectFrom('keys').select('id').where('id', '=', current.id).where('status', '=', 'active') }],
      writes: [created.insert],
      audit: [{ action: 'keys.log_key_rotated', outcome: 'success', actor_type: 'operator', detail: { old: current.vkey, new: created.vkey } }],
    });
    await deps.keys.reload(now, { force: true });
    signers = deps.keys.logSigners;
  }
  const settle = opts.settleMs ?? deps.config.keyCacheMs;
  if (settle > 0) {
    deps.log.info('waiting for every node to load the new log key before the hand-over', { seconds: settle / 1000 });
    await new Promise((r) => setTimeout(r, settle));
  }
  // The hand-over checkpoint: one covering the announcement, signed by every active key.
  const cp = await advanceLog(deps);
  if (!cp) throw new Error('the log is empty');
  const { text, sigs } = parseNote(cp.note);
  const handedOver = await signNote(
    text,
    signers.map((s) => s.signer),
    sigs,
  );
  if (handedOver !== cp.note) {
    const cas = db.updateTable('log_checkpoints').set({ note: handedOver }).where('size', '=', cp.size).where('note', '=', cp.note);
    try {
      await deps.store.commit({ guards: [{ name: 'checkpoint_note_unchanged', changes: cas }] });
    } catch (err) {
      if (err instanceof GuardFailed) throw new Error('the checkpoint changed while it was being signed (a witness cosigned it); run the rotation again');
      throw err;
    }
  }
  const newest = signers.reduce((a, b) => (b.version > a.version ? b : a));
  const old = signers.filter((s) => s !== newest);
  await deps.store.commit({
    writes: old.map((s) => db.updateTable('keys').set({ status: 'retired', retired_at: now }).where('id', '=', s.id)),
  });
  await deps.keys.reload(now, { force: true });
  return { old: old.map((s) => s.vkey), vkey: newest.vkey, checkpoint: cp.size, resumed };
}

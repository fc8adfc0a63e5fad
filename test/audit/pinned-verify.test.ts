// The thirteen ways an operator with the database (and the master key) rewrites the access
// log, each caught by a verifier holding the pinned log key and the checkpoint it saw last,
// naming the first bad position. The server's self-check, which trusts the database's own
// keys, is shown fooled where it is: that is why auditors pin.
import { describe, expect, it } from 'vitest';
import { commit } from '../../src/features/audit/commit.ts';
import { advanceLog } from '../../src/features/audit/log-checkpoint.ts';
import { extendTree } from '../../src/features/audit/log-tree.ts';
import { formatCheckpoint } from '../../src/features/audit/tlog/checkpoint.ts';
import { generateNoteKey, noteSigner } from '../../src/features/audit/tlog/note-keys.ts';
import { signNote } from '../../src/features/audit/tlog/signed-note.ts';
import { toBase64 } from '../../src/features/audit/tlog/bytes.ts';
import { verifyAuditLog } from '../../src/features/audit/verify.ts';
import { verifyLog, type LogState } from '../../src/features/audit/verify-log.ts';
import { dropLogPrimaryKey, exec, insertForged, loggedDeps, pinnedVerifier, rehashFrom, resign, shiftSeq } from '../helpers/log-attacks.ts';
import type { TestDeps } from '../helpers/deps.ts';

const N = 40;

async function setUp() {
  const deps = await loggedDeps(N);
  const pinned = await pinnedVerifier(deps);
  const verify = (state: LogState | null = pinned.state) => verifyLog(deps.store.db, { logKeys: [pinned.logKey], state });
  return { deps, pinned, verify };
}

const editEvent = (deps: TestDeps, seq: number) => exec(deps, `UPDATE audit_events SET outcome = 'denied' WHERE seq = ${seq}`);

describe('verification against the pinned log key and the last checkpoint seen', () => {
  it('passes an untouched log, and the log as it grows', async () => {
    const { deps, verify } = await setUp();
    expect(await verify()).toMatchObject({ ok: true, trust: 'pinned', checked: N, latest_checkpoint: { size: N }, unsigned: 0 });
    // The log grows: the new checkpoint extends the one seen, and becomes the state.
    for (let i = 0; i < 7; i++) await commit(deps, { audit: [{ action: 'grant.read', outcome: 'success', actor_type: 'system' }] });
    await advanceLog(deps);
    expect(await verify()).toMatchObject({ ok: true, latest_checkpoint: { size: N + 7 }, state: { size: N + 7 } });
  });

  it('1. catches the tail truncated', async () => {
    const { deps, verify } = await setUp();
    await exec(deps, 'DELETE FROM audit_events WHERE seq > 33');
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 34 });
    expect((await verify()).problem).toContain('entries 34–40 are missing');
  });

  it('2. catches the tail truncated with the checkpoints that covered it deleted and the tree re-signed', async () => {
    const { deps, verify } = await setUp();
    await exec(deps, 'DELETE FROM audit_events WHERE seq > 33');
    await resign(deps);
    expect(await verifyAuditLog(deps.store.db)).toMatchObject({ ok: true }); // the self-check sees nothing wrong
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 34 });
  });

  it('3. catches the tail edited and everything after it re-hashed and re-signed with the real log key', async () => {
    const { deps, pinned, verify } = await setUp();
    await editEvent(deps, 38);
    await rehashFrom(deps, 38);
    await resign(deps);
    expect(await verifyAuditLog(deps.store.db)).toMatchObject({ ok: true });
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 38, problem: expect.stringContaining('entry 38 changed') });
    // A verifier that kept only the frontier (the portal) locates the change to a subtree: 33–40.
    const { leaves: _, ...frontierOnly } = pinned.state;
    expect(await verify(frontierOnly)).toMatchObject({ ok: false, first_bad_seq: 33, problem: expect.stringContaining('entries 33–40 changed') });
  });

  it('4. catches an old event edited, re-hashed, its checkpoints deleted and new ones signed', async () => {
    const { deps, verify } = await setUp();
    await editEvent(deps, 5);
    await rehashFrom(deps, 5);
    await resign(deps);
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 5 });
  });

  it('5. catches an attacker key inserted in the keys table and the checkpoints re-signed with it', async () => {
    const { deps, pinned, verify } = await setUp();
    await editEvent(deps, 12);
    await rehashFrom(deps, 12);
    await exec(deps, 'DELETE FROM audit_tree_nodes');
    await exec(deps, 'DELETE FROM log_checkpoints');
    await exec(deps, 'UPDATE audit_tree SET size = 0');
    const name = pinned.logKey.split('+')[0]!;
    const attacker = await generateNoteKey(name);
    await exec(deps, `UPDATE keys SET status = 'retired' WHERE kind = 'log'`);
    await exec(
      deps,
      `INSERT INTO keys (id, kind, version, status, public_jwk, created_at) VALUES ('log-99', 'log', 99, 'active', '${JSON.stringify({ vkey: attacker.vkey })}', 0)`,
    );
    const tree = await extendTree(deps);
    const text = formatCheckpoint({ origin: name, size: tree.size, rootHash: tree.root, extensions: [] });
    const note = await signNote(text, [await noteSigner(attacker.skey)]);
    await deps.store.db
      .insertInto('log_checkpoints')
      .values({ size: tree.size, root: toBase64(tree.root), ts: 0, note })
      .execute();
    // The self-check trusts whatever log key the database names; the pinned verifier does not.
    expect(await verifyAuditLog(deps.store.db)).toMatchObject({ ok: true });
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 12 });
    // Without a remembered checkpoint it still refuses the attacker's signatures.
    expect(await verify(null)).toMatchObject({ ok: false, problem: expect.stringContaining('does not verify with the log key') });
  });

  it('6. catches an event inserted mid-log with everything after it re-hashed and re-signed', async () => {
    const { deps, verify } = await setUp();
    await shiftSeq(deps, 20, 1);
    await insertForged(deps, 20);
    await rehashFrom(deps, 21);
    await resign(deps);
    expect(await verifyAuditLog(deps.store.db)).toMatchObject({ ok: true });
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 20 });
  });

  it('7. catches two events swapped and re-hashed', async () => {
    const { deps, verify } = await setUp();
    await exec(deps, 'UPDATE audit_events SET seq = -17 WHERE seq = 17');
    await exec(deps, 'UPDATE audit_events SET seq = 17 WHERE seq = 18');
    await exec(deps, 'UPDATE audit_events SET seq = 18 WHERE seq = -17');
    await rehashFrom(deps, 17);
    await resign(deps);
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 17 });
  });

  it('8. catches a checkpoint row edited', async () => {
    const { deps, verify } = await setUp();
    await exec(deps, `UPDATE log_checkpoints SET root = (SELECT root FROM log_checkpoints WHERE size = 10) WHERE size = 20`);
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 11, problem: expect.stringContaining('checkpoint of size 20') });
    const { deps: d2, verify: v2 } = await setUp();
    await exec(d2, `UPDATE log_checkpoints SET note = REPLACE(note, '\n30\n', '\n31\n') WHERE size = 30`);
    expect(await v2()).toMatchObject({ ok: false, first_bad_seq: 21 });
  });

  it('9. catches a row deleted', async () => {
    const { deps, verify } = await setUp();
    await exec(deps, 'DELETE FROM audit_events WHERE seq = 25');
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 25 });
  });

  it('10. catches a gap in seq', async () => {
    const { deps, verify } = await setUp();
    await shiftSeq(deps, 30, 5);
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 30, problem: expect.stringContaining('expected seq 30, found 35') });
  });

  it('11. catches a duplicate seq', async () => {
    const { deps, verify } = await setUp();
    // The operator drops the primary key to make room for a second event 22.
    await dropLogPrimaryKey(deps);
    await exec(
      deps,
      `INSERT INTO audit_events SELECT seq, 'dup-22', ts, actor_type, actor_id, action, 'denied', consumer_id, brand_id, grant_id, attributes, purpose, reason, detail, prev_hash, hash FROM audit_events WHERE seq = 22`,
    );
    const r = await verify();
    expect(r.ok).toBe(false);
    expect([22, 23]).toContain(r.first_bad_seq);
    expect(r.problem).toMatch(/seq 2[23]|hash does not match/);
  });

  it('12. catches an older backup restored (a tree smaller than the checkpoint seen)', async () => {
    const { deps, verify } = await setUp();
    await exec(deps, 'DELETE FROM audit_events WHERE seq > 20');
    await exec(deps, 'DELETE FROM log_checkpoints WHERE size > 20');
    await exec(deps, 'DELETE FROM audit_tree_nodes WHERE pos >= 38'); // 2·20 − popcount(20)
    await exec(deps, 'UPDATE audit_tree SET size = 20');
    expect(await verifyAuditLog(deps.store.db)).toMatchObject({ ok: true });
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 21, problem: expect.stringContaining('entries 21–40 are missing') });
  });

  it('13. catches a fork: a second verifier served another tree of the same size', async () => {
    const { deps, verify } = await setUp();
    await editEvent(deps, 30);
    await rehashFrom(deps, 30);
    await resign(deps);
    // A newcomer who pins the key today sees a consistent, signed log: it has no memory to compare.
    const newcomer = await verifyLog(deps.store.db, { logKeys: [(await pinnedVerifier(deps)).logKey] });
    expect(newcomer).toMatchObject({ ok: true, latest_checkpoint: { size: N } });
    // The verifier who saw the first tree of size 40 detects the fork.
    expect(await verify()).toMatchObject({ ok: false, first_bad_seq: 30 });
  });
});

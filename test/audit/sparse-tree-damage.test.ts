// The sparse audit tree under damage and upgrade: an event under a node no longer stored
// (levels 1–2, folded from the events) edited is still caught, by the verifiers and by the
// proofs that fold it; and migration 0020 takes an older Trove's level 1–2 rows out,
// leaving the tree it reads (and proves from) unchanged.
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { AuditAction } from '../../src/db/audit-actions.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { eventLeafHash } from '../../src/features/audit/event-leaf.ts';
import { advanceLog, latestCheckpoint } from '../../src/features/audit/log-checkpoint.ts';
import { inclusionProofOf } from '../../src/features/audit/log-proofs.ts';
import { fromBase64 } from '../../src/features/audit/tlog/bytes.ts';
import { openCheckpoint } from '../../src/features/audit/tlog/checkpoint.ts';
import { leafHash } from '../../src/features/audit/tlog/merkle.ts';
import { MerkleAppender } from '../../src/features/audit/tlog/merkle-appender.ts';
import { noteVerifier } from '../../src/features/audit/tlog/note-keys.ts';
import { storedNodeRows } from '../../src/features/audit/tree-nodes.ts';
import { storedLogKeys, verifyAuditLog } from '../../src/features/audit/verify.ts';
import { verifyLog } from '../../src/features/audit/verify-log.ts';
import { readMigrationFiles } from '../../src/runtime/store/migration-files.ts';
import { testDeps, testDialect, type TestDeps } from '../helpers/deps.ts';
import { exec, loggedDeps, pinnedVerifier, rehashFrom } from '../helpers/log-attacks.ts';
import { rfcVerifyInclusion } from '../helpers/rfc9162-verify.ts';

const events = (deps: TestDeps) => deps.store.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
const nodeRows = (deps: TestDeps) => deps.store.db.selectFrom('audit_tree_nodes').select(['pos', 'hash']).orderBy('pos').execute();

/** Whether the proof served now for `seq` proves the event as it was signed, against the signed root. */
async function provesSigned(deps: TestDeps, signed: Awaited<ReturnType<typeof events>>, seq: number): Promise<boolean> {
  const [logKey] = (await storedLogKeys(deps.store.db)) as [string];
  const cp = (await latestCheckpoint(deps.store.db))!;
  const { checkpoint } = await openCheckpoint(cp.note, [noteVerifier(logKey)], logKey.split('+')[0]!);
  const now = (await events(deps)).find((e) => e.seq === seq)!;
  const p = await inclusionProofOf(deps, now, { treeSize: cp.size, showCanonical: true });
  const proof = p.proof.map((s) => fromBase64(s)!);
  return (
    rfcVerifyInclusion(seq - 1, cp.size, eventLeafHash(signed[seq - 1]!), proof, checkpoint.rootHash) &&
    rfcVerifyInclusion(seq - 1, cp.size, leafHash(new TextEncoder().encode(p.canonical!)), proof, checkpoint.rootHash)
  );
}

describe('an edited event under a node the tree does not store', () => {
  it('is named by the self-check and the pinned verifier, and fails the proofs of the events beside it', async () => {
    const deps = await loggedDeps(40);
    const pinned = await pinnedVerifier(deps);
    const signed = await events(deps);
    for (const seq of [9, 17, 21, 22, 23, 24]) expect(await provesSigned(deps, signed, seq)).toBe(true);
    // Event 22 is leaf 21: under level-1 node (1, 10) (leaves 20–21) and level-2 node (2, 5) (20–23).
    await exec(deps, `UPDATE audit_events SET outcome = 'denied' WHERE seq = 22`);
    expect(await verifyAuditLog(deps.store.db)).toMatchObject({ ok: false, first_bad_seq: 22 });
    expect(await verifyLog(deps.store.db, { logKeys: [pinned.logKey], state: pinned.state })).toMatchObject({ ok: false, first_bad_seq: 22 });
    // Its own proof, and every proof that folds leaves 20–23, no longer match the signed root.
    for (const seq of [17, 21, 22, 23, 24]) expect(await provesSigned(deps, signed, seq), `seq ${seq}`).toBe(false);
    // Further off, the proof takes the stored level-3 node over leaves 16–23, as signed.
    expect(await provesSigned(deps, signed, 9)).toBe(true);
  });

  it('is located to the checkpoint stretch holding it when the chain after it is re-hashed to hide it', async () => {
    const deps = await loggedDeps(40);
    const pinned = await pinnedVerifier(deps);
    await exec(deps, `UPDATE audit_events SET outcome = 'denied' WHERE seq = 22`);
    await rehashFrom(deps, 22);
    // The chain is whole again; the tree of the events is not the one signed at size 30.
    const caught = { ok: false, first_bad_seq: 21, problem: expect.stringContaining('entries 21–30 differ from the signed checkpoint of size 30') };
    expect(await verifyAuditLog(deps.store.db)).toMatchObject(caught);
    expect(await verifyLog(deps.store.db, { logKeys: [pinned.logKey], state: pinned.state })).toMatchObject(caught);
  });
});

describe('migration 0020', () => {
  const migration = readMigrationFiles(testDialect === 'postgres' ? 'postgres' : 'sqlite').find((f) => f.name === '0020_tree_low_levels.sql')!;
  const run = (deps: TestDeps) => sql.raw(migration.sql).execute(deps.store.db);

  it('changes nothing on a new database, with or without a tree', async () => {
    const deps = await testDeps(); // every migration, 0020 included, has run on the empty database
    await run(deps);
    expect(await nodeRows(deps)).toEqual([]);
    await advanceLog(deps);
    await run(deps);
    expect(await nodeRows(deps)).toEqual([]);
  });

  it('takes out the level 1–2 rows an older Trove wrote, and the tree reads, proves and grows as before', async () => {
    const deps = await testDeps();
    const audit = Array.from({ length: 298 }, (_, i) => ({
      action: 'grant.read' as AuditAction,
      outcome: 'success' as const,
      actor_type: 'system' as const,
      detail: { i },
    }));
    await commit(deps, { audit });
    await advanceLog(deps);
    const sparse = await nodeRows(deps);
    expect(sparse).toHaveLength(storedNodeRows(300));
    // An older Trove's table: every interior node, levels 1 and 2 included.
    const tree = new MerkleAppender();
    const low: { pos: number; hash: string }[] = [];
    for (const e of await events(deps))
      for (const n of tree.append(eventLeafHash(e)))
        if (n.level === 1 || n.level === 2) low.push({ pos: n.pos, hash: Buffer.from(n.hash).toString('base64url') });
    for (let i = 0; i < low.length; i += 40)
      await deps.store.db
        .insertInto('audit_tree_nodes')
        .values(low.slice(i, i + 40))
        .execute();
    expect(low).toHaveLength(150 + 75);
    await run(deps);
    expect(await nodeRows(deps)).toEqual(sparse);
    const signed = await events(deps);
    for (const seq of [1, 2, 150, 299, 300]) expect(await provesSigned(deps, signed, seq)).toBe(true);
    await commit(deps, { audit: audit.slice(0, 5) });
    await advanceLog(deps);
    expect(await nodeRows(deps)).toHaveLength(storedNodeRows(305));
    expect(await verifyAuditLog(deps.store.db)).toMatchObject({ ok: true });
  });
});

// The audit tree keeps only its nodes from level 3 up (src/features/audit/tree-nodes.ts);
// levels 1–2 are folded from their events on read. On a real database: the rows it keeps,
// and proofs for many leaves and sizes (tiny trees, sizes not multiples of 8, a tree extended
// in odd batches), checked with RFC 9162's verification against the root of the checkpoint
// the log key signed (or, for sizes no checkpoint names, the root of the events themselves).
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditAction } from '../../src/db/audit-actions.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { eventLeafHash } from '../../src/features/audit/event-leaf.ts';
import { advanceLog } from '../../src/features/audit/log-checkpoint.ts';
import { consistencyProofOf, inclusionProofOf } from '../../src/features/audit/log-proofs.ts';
import { extendTree } from '../../src/features/audit/log-tree.ts';
import { fromBase64 } from '../../src/features/audit/tlog/bytes.ts';
import { openCheckpoint } from '../../src/features/audit/tlog/checkpoint.ts';
import { leafHash, rootFromLeafHashes } from '../../src/features/audit/tlog/merkle.ts';
import { consistencyPlan, fetchProof, inclusionPlan } from '../../src/features/audit/tlog/merkle-proofs.ts';
import { verifyConsistency, verifyInclusion } from '../../src/features/audit/tlog/merkle-verify.ts';
import { storedNodeCount, storedNodeIndex } from '../../src/features/audit/tlog/node-store.ts';
import { noteVerifier } from '../../src/features/audit/tlog/note-keys.ts';
import { LOWEST_STORED_LEVEL, nodeReader, storedNodeRows } from '../../src/features/audit/tree-nodes.ts';
import { storedLogKeys } from '../../src/features/audit/verify.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { rfcVerifyConsistency, rfcVerifyInclusion } from '../helpers/rfc9162-verify.ts';

// Every size gets a signed checkpoint (boot logs two events, so the first is 2); the last
// stretch is extended 13 events at a time.
const SIZES = [2, 3, 4, 5, 6, 7, 8, 9, 12, 15, 16, 17, 31, 33, 64, 100, 255, 257, 1000];
const N = SIZES[SIZES.length - 1]!;

let deps: TestDeps;
const roots = new Map<number, Uint8Array>();
const b64 = (s: string) => fromBase64(s)!;

async function growTo(size: number): Promise<void> {
  const have = Number(
    (
      await deps.store.db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const audit = Array.from({ length: size - have }, (_, i) => ({
    action: 'grant.read' as AuditAction,
    outcome: 'success' as const,
    actor_type: 'brand' as const,
    actor_id: `b${(have + i) % 3}`,
    detail: { i: have + i },
  }));
  if (audit.length > 0) await commit(deps, { audit });
}

beforeAll(async () => {
  deps = await testDeps({ checkpointEvery: 1_000_000 });
  const [logKey] = (await storedLogKeys(deps.store.db)) as [string];
  for (const size of SIZES) {
    await growTo(size);
    if (size === N) await extendTree(deps, { batch: 13 });
    const row = await advanceLog(deps);
    const { checkpoint } = await openCheckpoint(row!.note, [noteVerifier(logKey)], logKey.split('+')[0]!);
    expect(checkpoint.size).toBe(size);
    roots.set(size, checkpoint.rootHash);
  }
}, 60_000);

describe('a tree that stores only its upper levels', () => {
  it('holds the nodes of level 3 and up, each the hash of its events: 244 rows for 1,000 events where all interior nodes were 994', async () => {
    const rows = await deps.store.db.selectFrom('audit_tree_nodes').select(['pos', 'hash']).orderBy('pos').execute();
    const events = await deps.store.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
    const leaves = events.map(eventLeafHash);
    const expected: { pos: number; hash: string }[] = [];
    for (let level = LOWEST_STORED_LEVEL; 2 ** level <= N; level++) {
      for (let i = 0; (i + 1) * 2 ** level <= N; i++) {
        const hash = rootFromLeafHashes(leaves.slice(i * 2 ** level, (i + 1) * 2 ** level));
        expected.push({ pos: storedNodeIndex(level, i), hash: Buffer.from(hash).toString('base64url') });
      }
    }
    expected.sort((a, b) => a.pos - b.pos);
    expect(rows.map((r) => ({ pos: Number(r.pos), hash: r.hash }))).toEqual(expected);
    expect(rows.length).toBe(storedNodeRows(N));
    expect([storedNodeRows(N), storedNodeCount(N) - N]).toEqual([244, 994]);
    expect(Buffer.from(rootFromLeafHashes(leaves)).equals(Buffer.from(roots.get(N)!))).toBe(true);
  });

  it('proves the inclusion of leaves anywhere in every signed tree, tiny ones and sizes not a multiple of 8 included', async () => {
    const events = await deps.store.db.selectFrom('audit_events').selectAll().orderBy('seq').execute();
    let checked = 0;
    for (const size of SIZES) {
      const picks = new Set<number>();
      for (let i = 0; i < size; i += size <= 33 ? 1 : Math.ceil(size / 23)) picks.add(i);
      for (let i = Math.max(0, size - 9); i < size; i++) picks.add(i);
      for (let i = 0; i < Math.min(size, 9); i++) picks.add(i);
      for (const index of picks) {
        const p = await inclusionProofOf(deps, events[index]!, { treeSize: size, showCanonical: true });
        expect(p).toMatchObject({ leaf_index: index, tree_size: size });
        const leaf = leafHash(new TextEncoder().encode(p.canonical!));
        const proof = p.proof.map(b64);
        expect(rfcVerifyInclusion(index, size, leaf, proof, roots.get(size)!), `leaf ${index} of ${size}`).toBe(true);
        expect(verifyInclusion(leaf, index, size, proof, roots.get(size)!)).toBe(true);
        if (size > 1) expect(rfcVerifyInclusion((index + 1) % size, size, leaf, proof, roots.get(size)!)).toBe(false);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('reads, for every tree size from 1 to 40, proofs for every leaf and from every smaller size, which verify against the tree of the events', async () => {
    const leaves = (await deps.store.db.selectFrom('audit_events').selectAll().orderBy('seq').execute()).map(eventLeafHash);
    const read = nodeReader(deps.store.db);
    for (let size = 1; size <= 40; size++) {
      const root = rootFromLeafHashes(leaves.slice(0, size));
      if (roots.has(size)) expect(Buffer.from(root).equals(Buffer.from(roots.get(size)!))).toBe(true);
      for (let i = 0; i < size; i++) {
        expect(rfcVerifyInclusion(i, size, leaves[i]!, await fetchProof(inclusionPlan(i, size), read), root), `leaf ${i} of ${size}`).toBe(true);
      }
      for (let old = 1; old < size; old++) {
        const proof = await fetchProof(consistencyPlan(old, size), read);
        expect(rfcVerifyConsistency(old, size, rootFromLeafHashes(leaves.slice(0, old)), root, proof), `${old} → ${size}`).toBe(true);
      }
    }
  });

  it('proves every signed tree consistent with every later one', async () => {
    for (const [i, from] of SIZES.entries()) {
      for (const to of SIZES.slice(i + 1)) {
        const p = await consistencyProofOf(deps, from, to);
        const proof = p.proof.map(b64);
        expect(rfcVerifyConsistency(from, to, roots.get(from)!, roots.get(to)!, proof), `${from} → ${to}`).toBe(true);
        expect(verifyConsistency(from, to, roots.get(from)!, roots.get(to)!, proof)).toBe(true);
      }
    }
  });
});

// Proof generation (RFC 9162 §2.1.3.1, §2.1.4.1) from stored subtree hashes: the published CT proofs,
// and a property test that every proof verifies with an independent transcription of the RFC's
// verification algorithms (below, in this file) and with merkle-verify.ts, and that tampering fails.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesEqual, toBase64 } from '../../../src/features/audit/tlog/bytes.ts';
import { leafHash, type Hash } from '../../../src/features/audit/tlog/merkle.ts';
import { MerkleAppender } from '../../../src/features/audit/tlog/merkle-appender.ts';
import {
  consistencyPlan,
  consistencyProof,
  fetchProof,
  inclusionPlan,
  inclusionProof,
  planNodes,
  treeRoot,
} from '../../../src/features/audit/tlog/merkle-proofs.ts';
import { verifyConsistency, verifyInclusion } from '../../../src/features/audit/tlog/merkle-verify.ts';
import { MemoryNodeStore, storedNodeIndex } from '../../../src/features/audit/tlog/node-store.ts';
import probes from './vectors/transparency-dev-merkle-probes.json' with { type: 'json' };
import { CT_LEAVES } from './vectors/ct.ts';

import { rfcVerifyConsistency, rfcVerifyInclusion } from '../../helpers/rfc9162-verify.ts';

// ---- A tree of distinct leaves, built once through the appender and the in-memory node store.
const N = 1100;
const store = new MemoryNodeStore();
const appender = new MerkleAppender();
const leaves: Hash[] = [];
const roots: Hash[] = [appender.root()];
for (let i = 0; i < N; i++) {
  leaves.push(leafHash(new TextEncoder().encode(`event ${i}`)));
  store.put(appender.append(leaves[i]!));
  roots.push(appender.root());
}
const sameProof = (a: readonly Hash[], b: readonly Hash[]) => a.length === b.length && a.every((h, i) => bytesEqual(h, b[i]!));
const flipBit = (proof: readonly Hash[], at: number, bit: number) =>
  proof.map((h, i) => (i === at ? h.map((v, j) => (j === bit >> 3 ? v ^ (1 << (bit & 7)) : v)) : h));

describe('Merkle proof generation', () => {
  const ctStore = new MemoryNodeStore();
  const ct = new MerkleAppender();
  for (const leaf of CT_LEAVES) ctStore.put(ct.append(leafHash(leaf)));
  const b64 = (proof: readonly Hash[]) => proof.map(toBase64);

  it('produces the published inclusion proofs over the CT leaves (transparency-dev happy paths)', () => {
    const cases = probes.inclusion.filter((p) => p.file.endsWith('happy-path.json'));
    expect(cases.length).toBeGreaterThanOrEqual(4);
    for (const p of cases) expect(b64(inclusionProof(ctStore.read, p.leafIdx, p.treeSize)), p.file).toEqual(p.proof);
  });

  it('produces the published consistency proofs over the CT leaves (transparency-dev happy paths)', () => {
    const cases = probes.consistency.filter((p) => p.file.endsWith('happy-path.json'));
    expect(cases.length).toBeGreaterThanOrEqual(4);
    for (const p of cases) expect(b64(consistencyProof(ctStore.read, p.size1, p.size2)), p.file).toEqual(p.proof);
  });

  it('makes inclusion proofs every RFC verifier accepts, for every leaf of every tree up to 64 leaves', () => {
    for (let n = 1; n <= 64; n++) {
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(store.read, i, n);
        expect(rfcVerifyInclusion(i, n, leaves[i]!, proof, roots[n]!), `${i} in ${n}`).toBe(true);
        expect(verifyInclusion(leaves[i]!, i, n, proof, roots[n]!)).toBe(true);
      }
    }
  });

  it('makes consistency proofs every RFC verifier accepts, for every pair of sizes up to 64', () => {
    for (let n = 1; n <= 64; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(store.read, m, n);
        if (m < n) expect(rfcVerifyConsistency(m, n, roots[m]!, roots[n]!, proof), `${m} to ${n}`).toBe(true);
        else expect(proof).toEqual([]);
        expect(verifyConsistency(m, n, roots[m]!, roots[n]!, proof)).toBe(true);
      }
    }
  });

  const sizeAndIndex = fc.integer({ min: 1, max: N }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1)));
  const twoSizes = fc.tuple(fc.integer({ min: 1, max: N }), fc.integer({ min: 1, max: N })).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);

  it('makes inclusion proofs that verify, and fail once any hash bit, the index or the size is tampered with', () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(), fc.nat(255), fc.nat(N), ([n, i], at, bit, other) => {
        const proof = inclusionProof(store.read, i, n);
        const ours = (idx: number, size: number, p: readonly Hash[], root: Hash) => verifyInclusion(leaves[i]!, idx, size, p, root);
        const rfc = (idx: number, size: number, p: readonly Hash[], root: Hash) => rfcVerifyInclusion(idx, size, leaves[i]!, p, root);
        for (const verify of [ours, rfc]) {
          expect(verify(i, n, proof, roots[n]!)).toBe(true);
          if (proof.length > 0) expect(verify(i, n, flipBit(proof, at % proof.length, bit), roots[n]!)).toBe(false);
          expect(verify(i, n, [...proof, roots[n]!], roots[n]!)).toBe(false);
          if (proof.length > 0) expect(verify(i, n, proof.slice(1), roots[n]!)).toBe(false);
          const j = other % n;
          if (j !== i) expect(verify(j, n, proof, roots[n]!)).toBe(false);
          // A proof does not commit to the size, the checkpoint does: a tampered size is checked
          // against that size's root, and only a proof that happens to be the genuine one passes.
          const m = 1 + (other % N);
          if (m !== n && i < m) expect(verify(i, m, proof, roots[m]!)).toBe(sameProof(proof, inclusionProof(store.read, i, m)));
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('makes consistency proofs that verify, and fail once any hash bit or either size is tampered with', () => {
    fc.assert(
      fc.property(twoSizes, fc.nat(), fc.nat(255), fc.integer({ min: 1, max: N }), ([m, n], at, bit, other) => {
        const proof = consistencyProof(store.read, m, n);
        const verifiers = [verifyConsistency, ...(m < n ? [rfcVerifyConsistency] : [])];
        for (const verify of verifiers) {
          expect(verify(m, n, roots[m]!, roots[n]!, proof)).toBe(true);
          if (proof.length > 0) expect(verify(m, n, roots[m]!, roots[n]!, flipBit(proof, at % proof.length, bit))).toBe(false);
          expect(verify(m, n, roots[m]!, roots[n]!, [...proof, roots[m]!])).toBe(false);
          if (proof.length > 0) expect(verify(m, n, roots[m]!, roots[n]!, proof.slice(0, -1))).toBe(false);
          expect(verify(m, n, roots[m - 1]!, roots[n]!, proof)).toBe(false);
          expect(verify(m, n, roots[m]!, roots[n - 1]!, proof)).toBe(false);
          if (other < n && other !== m) {
            expect(verify(other, n, roots[other]!, roots[n]!, proof)).toBe(sameProof(proof, consistencyProof(store.read, other, n)));
          }
          if (other > m && other !== n) {
            expect(verify(m, other, roots[m]!, roots[other]!, proof)).toBe(sameProof(proof, consistencyProof(store.read, m, other)));
          }
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('reads a proof in one batch of distinct nodes, in storage order, as a database would', async () => {
    const reads: number[][] = [];
    const proof = await fetchProof(inclusionPlan(700, 1000), async (ids) => {
      reads.push(ids.map((id) => storedNodeIndex(id.level, id.index)));
      return ids.map(store.read);
    });
    expect(proof).toEqual(inclusionProof(store.read, 700, 1000));
    expect(reads).toHaveLength(1);
    expect(reads[0]).toEqual([...new Set(reads[0])].sort((a, b) => a - b));
    expect(reads[0]!.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1000)));
    expect(planNodes(consistencyPlan(1, 1000)).length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1000)));
  });

  it('gives the root of every earlier tree size from the stored nodes alone', () => {
    for (let n = 0; n <= N; n += 7) expect(bytesEqual(treeRoot(store.read, n), roots[n]!)).toBe(true);
  });

  it('refuses to plan proofs that do not exist', () => {
    expect(() => inclusionPlan(5, 5)).toThrow();
    expect(() => inclusionPlan(-1, 5)).toThrow();
    expect(() => consistencyPlan(0, 5)).toThrow();
    expect(() => consistencyPlan(6, 5)).toThrow();
    expect(() => inclusionProof(store.read, 0, N + 1)).toThrow(/missing/);
  });
});

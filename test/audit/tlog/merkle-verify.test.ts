// Proof verification against transparency-dev/merkle's published probes: valid proofs and their
// mutations (flipped bits, shifted indexes and sizes, extra, missing or garbage hashes, wrong roots).
import { describe, expect, it } from 'vitest';
import { fromBase64, type Bytes } from '../../../src/features/audit/tlog/bytes.ts';
import { verifyConsistency, verifyInclusion } from '../../../src/features/audit/tlog/merkle-verify.ts';
import probes from './vectors/transparency-dev-merkle-probes.json' with { type: 'json' };

const b = (s: string): Bytes => fromBase64(s) ?? new Uint8Array(0);

// Where this verifier is deliberately stricter than the probes: they accept equal sizes with equal
// "roots" that are not 32 bytes; a root that is not a SHA-256 hash is refused here, whatever it equals.
const STRICTER = new Set(['consistency/additional/sizes-are-equal-one-and-proof-is-empty.json']);

describe('Merkle proof verification (transparency-dev probes)', () => {
  it('accepts exactly the valid inclusion probes', () => {
    expect(probes.inclusion.length).toBeGreaterThan(90);
    for (const p of probes.inclusion) {
      const ok = verifyInclusion(b(p.leafHash), p.leafIdx, p.treeSize, p.proof.map(b), b(p.root));
      expect(ok, p.file).toBe(!p.wantErr);
    }
  });

  it('accepts exactly the valid consistency probes, refusing non-hash roots even when equal', () => {
    expect(probes.consistency.length).toBeGreaterThan(90);
    for (const p of probes.consistency) {
      const ok = verifyConsistency(p.size1, p.size2, b(p.root1), b(p.root2), p.proof.map(b));
      expect(ok, p.file).toBe(STRICTER.has(p.file) ? false : !p.wantErr);
    }
    for (const file of STRICTER) expect(probes.consistency.find((p) => p.file === file)?.wantErr).toBe(false);
  });

  it('refuses sizes and indexes that are not safe non-negative integers', () => {
    const h = new Uint8Array(32);
    expect(verifyInclusion(h, -1, 1, [], h)).toBe(false);
    expect(verifyInclusion(h, 0, 1.5, [], h)).toBe(false);
    expect(verifyInclusion(h, 0, 2 ** 53, [], h)).toBe(false);
    expect(verifyConsistency(1, Number.NaN, h, h, [])).toBe(false);
    expect(verifyConsistency(0, 0, h, h, [])).toBe(false);
  });
});

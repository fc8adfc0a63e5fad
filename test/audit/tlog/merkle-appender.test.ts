// The incremental appender and the node table layout: same roots as MTH, < 2 stored nodes per
// leaf, dense positions in append order, and a restart from the frontier alone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../src/features/audit/tlog/bytes.ts';
import { EMPTY_ROOT, leafHash, rootFromLeafHashes } from '../../../src/features/audit/tlog/merkle.ts';
import { MerkleAppender, frontierNodes } from '../../../src/features/audit/tlog/merkle-appender.ts';
import { MemoryNodeStore, rangeNodes, storedNodeCount, storedNodeIndex, type StoredNode } from '../../../src/features/audit/tlog/node-store.ts';
import { CT_LEAVES, CT_NODES, CT_ROOTS } from './vectors/ct.ts';

const leafOf = (i: number) => leafHash(new TextEncoder().encode(`leaf ${i}`));

describe('Merkle appender', () => {
  it('reaches the published CT root after each append, storing exactly the published subtree hashes', () => {
    const appender = new MerkleAppender();
    const stored: StoredNode[] = [];
    expect(toHex(appender.root())).toBe(CT_ROOTS[0]);
    CT_LEAVES.forEach((leaf, i) => {
      stored.push(...appender.append(leafHash(leaf)));
      expect(toHex(appender.root()), `size ${i + 1}`).toBe(CT_ROOTS[i + 1]);
    });
    const want = CT_NODES.flatMap((level, l) => level.map((hash, index) => ({ level: l, index, hash })));
    expect(stored.map((n) => ({ level: n.level, index: n.index, hash: toHex(n.hash) })).sort((a, b) => a.level - b.level || a.index - b.index)).toEqual(want);
  });

  it('gives the same root as MTH over all leaves for every size up to 1000', () => {
    const appender = new MerkleAppender();
    const hashes = [];
    for (let n = 1; n <= 1000; n++) {
      hashes.push(leafOf(n));
      appender.append(hashes[n - 1]!);
      if (n <= 300 || n % 37 === 0 || n === 1000) expect(toHex(appender.root()), `size ${n}`).toBe(toHex(rootFromLeafHashes(hashes)));
    }
  });

  it('gives the same root as MTH for random sizes and random leaves', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 3000 }), (hashes) => {
        const appender = new MerkleAppender();
        for (const h of hashes) appender.append(h);
        return toHex(appender.root()) === toHex(rootFromLeafHashes(hashes));
      }),
      { numRuns: 40 },
    );
  });

  it('stores fewer than two nodes per leaf, at dense positions in append order', () => {
    const appender = new MerkleAppender();
    let stored = 0;
    for (let n = 1; n <= 5000; n++) {
      const nodes = appender.append(leafOf(n));
      expect(nodes[0]!.level).toBe(0);
      expect(nodes.length).toBeLessThanOrEqual(1 + Math.log2(n));
      nodes.forEach((node, k) => {
        expect(node.pos).toBe(stored + k);
        expect(storedNodeIndex(node.level, node.index)).toBe(node.pos);
      });
      stored += nodes.length;
      expect(stored).toBe(storedNodeCount(n));
      expect(stored / n).toBeLessThan(2);
    }
  });

  it('resumes from the frontier read back from the node table after a restart', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 700 }), fc.integer({ min: 1, max: 300 }), (before, after) => {
        const store = new MemoryNodeStore();
        const first = new MerkleAppender();
        for (let i = 0; i < before; i++) store.put(first.append(leafOf(i)));
        const frontier = frontierNodes(before).map((id) => store.read(id)!);
        const resumed = new MerkleAppender(before, frontier);
        expect(toHex(resumed.root())).toBe(toHex(first.root()));
        for (let i = before; i < before + after; i++) {
          const a = first.append(leafOf(i));
          const b = resumed.append(leafOf(i));
          expect(b.map((n) => [n.pos, toHex(n.hash)])).toEqual(a.map((n) => [n.pos, toHex(n.hash)]));
          store.put(b);
        }
        expect(store.count).toBe(storedNodeCount(before + after));
      }),
      { numRuns: 30 },
    );
  });

  it('refuses a frontier that does not fit the size, and hashes that are not 32 bytes', () => {
    expect(() => new MerkleAppender(3, [new Uint8Array(32)])).toThrow();
    expect(() => new MerkleAppender(1, [new Uint8Array(31)])).toThrow();
    expect(() => new MerkleAppender().append(new Uint8Array(20))).toThrow();
    expect(toHex(new MerkleAppender(0, []).root())).toBe(toHex(EMPTY_ROOT));
  });

  it('decomposes ranges into aligned complete subtrees and refuses unaligned ones', () => {
    expect(rangeNodes(0, 7)).toEqual([
      { level: 2, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    expect(rangeNodes(8, 13)).toEqual([
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(frontierNodes(2 ** 40)).toEqual([{ level: 40, index: 0 }]);
    expect(() => rangeNodes(2, 6)).toThrow(/aligned/);
    expect(storedNodeIndex(0, 0)).toBe(0);
    expect([storedNodeIndex(0, 1), storedNodeIndex(1, 0), storedNodeIndex(0, 2)]).toEqual([1, 2, 3]);
    expect(storedNodeCount(2 ** 40)).toBe(2 ** 41 - 1);
  });
});

// RFC 9162 §2.1 hashing against published vectors, and the node-hash kernel against two SHA-256s.
import * as nodeCrypto from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toBase64, toHex } from '../../../src/features/audit/tlog/bytes.ts';
import { EMPTY_ROOT, leafHash, merkleTreeHash, nodeHash, rootFromLeafHashes, splitPoint } from '../../../src/features/audit/tlog/merkle.ts';
import { CT_LEAVES, CT_NODES, CT_ROOTS } from './vectors/ct.ts';

const nodeSha256 = (data: Uint8Array) => new Uint8Array(nodeCrypto.createHash('sha256').update(data).digest());

describe('RFC 9162 Merkle tree hash', () => {
  it('gives the published root for every prefix of the CT test leaves, the empty tree included', () => {
    for (const [n, root] of CT_ROOTS.entries()) expect(toHex(merkleTreeHash(CT_LEAVES.slice(0, n))), `size ${n}`).toBe(root);
    expect(toHex(EMPTY_ROOT)).toBe(CT_ROOTS[0]);
  });

  it('hashes every complete subtree of the 8-leaf tree to the published node hashes', () => {
    const leaves = CT_LEAVES.map(leafHash);
    for (const [l, level] of CT_NODES.entries()) {
      for (const [i, want] of level.entries()) {
        const span = leaves.slice(i * 2 ** l, (i + 1) * 2 ** l);
        expect(toHex(rootFromLeafHashes(span)), `node (${l}, ${i})`).toBe(want);
      }
    }
  });

  it('prefixes a leaf with 0x00 (Go sumdb/tlog vector: RecordHash("hello world"))', () => {
    // golang.org/x/mod sumdb/tlog note_test.go, TestFormatTree.
    expect(toBase64(leafHash(new TextEncoder().encode('hello world')))).toBe('TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=');
  });

  it('splits at the largest power of two strictly below n', () => {
    expect([2, 3, 4, 5, 8, 9, 1000, 1024, 1025].map(splitPoint)).toEqual([1, 2, 2, 4, 4, 8, 512, 512, 1024]);
    expect(splitPoint(2 ** 52 + 1)).toBe(2 ** 52);
    expect(() => splitPoint(1)).toThrow();
  });

  it('computes node hashes exactly as SHA-256(0x01 ‖ left ‖ right) from node:crypto and @noble/hashes', () => {
    const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
    fc.assert(
      fc.property(hash32, hash32, (l, r) => {
        const input = new Uint8Array([1, ...l, ...r]);
        const got = toHex(nodeHash(l, r));
        return got === toHex(nodeSha256(input)) && got === toHex(sha256(input));
      }),
      { numRuns: 2000 },
    );
    const edges = [new Uint8Array(32), new Uint8Array(32).fill(0xff), Uint8Array.from({ length: 32 }, (_, i) => i * 8)];
    for (const l of edges)
      for (const r of edges) {
        expect(toHex(nodeHash(l, r))).toBe(toHex(nodeSha256(new Uint8Array([1, ...l, ...r]))));
      }
  });

  it('refuses node inputs that are not 32-byte hashes', () => {
    expect(() => nodeHash(new Uint8Array(31), new Uint8Array(32))).toThrow();
    expect(() => nodeHash(new Uint8Array(32), new Uint8Array(33))).toThrow();
  });

  it('computes leaf hashes as SHA-256(0x00 ‖ leaf) for leaves of any length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (d) => toHex(leafHash(d)) === toHex(nodeSha256(new Uint8Array([0, ...d])))),
      { numRuns: 500 },
    );
  });
});

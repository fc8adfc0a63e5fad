// The tlog building blocks run inside workerd as they do on Node: tree, proofs, signed
// checkpoints (WebCrypto Ed25519), cosignatures and a witness decision.
import { describe, expect, it } from 'vitest';
import { formatCheckpoint, openCheckpoint } from '../../src/features/audit/tlog/checkpoint.ts';
import { cosigner, verifierFromKey } from '../../src/features/audit/tlog/cosignature.ts';
import { leafHash } from '../../src/features/audit/tlog/merkle.ts';
import { MerkleAppender } from '../../src/features/audit/tlog/merkle-appender.ts';
import { consistencyProof, inclusionProof } from '../../src/features/audit/tlog/merkle-proofs.ts';
import { verifyConsistency, verifyInclusion } from '../../src/features/audit/tlog/merkle-verify.ts';
import { MemoryNodeStore } from '../../src/features/audit/tlog/node-store.ts';
import { generateNoteKey, noteSigner, noteVerifier } from '../../src/features/audit/tlog/note-keys.ts';
import { openNote, signNote, signatureLine, signText } from '../../src/features/audit/tlog/signed-note.ts';
import { decideAddCheckpoint, formatAddCheckpoint } from '../../src/features/audit/tlog/witness.ts';

describe('tlog on workerd', () => {
  it('builds a tree, proves and verifies, signs a checkpoint and gets it cosigned by a witness', async () => {
    const store = new MemoryNodeStore();
    const tree = new MerkleAppender();
    const leaves = Array.from({ length: 50 }, (_, i) => leafHash(new TextEncoder().encode(`event ${i}`)));
    const roots = [tree.root()];
    for (const leaf of leaves) {
      store.put(tree.append(leaf));
      roots.push(tree.root());
    }
    expect(verifyInclusion(leaves[17]!, 17, 50, inclusionProof(store.read, 17, 50), roots[50]!)).toBe(true);
    expect(verifyConsistency(20, 50, roots[20]!, roots[50]!, consistencyProof(store.read, 20, 50))).toBe(true);

    const origin = 'trove.example/audit';
    const log = await generateNoteKey(origin);
    const signer = await noteSigner(log.skey);
    const sign = (size: number) => signNote(formatCheckpoint({ origin, size, rootHash: roots[size]!, extensions: [] }), [signer]);
    const cp20 = await sign(20);
    const cp50 = await sign(50);
    expect((await openCheckpoint(cp50, [noteVerifier(log.vkey)], origin)).checkpoint.size).toBe(50);

    const logs = new Map([[origin, [noteVerifier(log.vkey)]]]);
    const seen = { size: 20, rootHash: roots[20]! };
    const ok = await decideAddCheckpoint(formatAddCheckpoint({ oldSize: 20, proof: consistencyProof(store.read, 20, 50), checkpoint: cp50 }), logs, () => seen);
    expect(ok.status).toBe(200);
    const stale = await decideAddCheckpoint(formatAddCheckpoint({ oldSize: 0, proof: [], checkpoint: cp20 }), logs, () => seen);
    expect(stale.status).toBe(409);

    const w = await generateNoteKey('witness.example/w1');
    const cosign = await cosigner(w.skey, () => Math.floor(Date.now() / 1000));
    const cosigned = cp50 + signatureLine(await signText((await openNote(cp50, [noteVerifier(log.vkey)])).text, cosign));
    expect((await openNote(cosigned, [verifierFromKey(cosign.vkey)])).sigs).toHaveLength(1);
  });
});

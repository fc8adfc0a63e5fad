// A log for witness tests: its own Ed25519 note key, and histories built with the real tree code
// (MerkleAppender, MemoryNodeStore, merkle-proofs). Two histories of one log are a fork.
import { formatCheckpoint } from '../../src/features/audit/tlog/checkpoint.ts';
import { leafHash, type Hash } from '../../src/features/audit/tlog/merkle.ts';
import { MerkleAppender } from '../../src/features/audit/tlog/merkle-appender.ts';
import { consistencyProof } from '../../src/features/audit/tlog/merkle-proofs.ts';
import { MemoryNodeStore } from '../../src/features/audit/tlog/node-store.ts';
import { generateNoteKey, noteSigner } from '../../src/features/audit/tlog/note-keys.ts';
import { signNote, type NoteSigner } from '../../src/features/audit/tlog/signed-note.ts';

export type History = {
  root(size: number): Hash;
  /** The consistency proof from `from` to `to` within this history. */
  proof(from: number, to: number): Hash[];
  /** A checkpoint of the first `size` leaves, signed by the log key (or `signer`). */
  note(size: number, signer?: NoteSigner): Promise<string>;
};

export type FakeLog = Awaited<ReturnType<typeof fakeLog>>;

export async function fakeLog(origin: string) {
  const keys = await generateNoteKey(origin);
  const signer = await noteSigner(keys.skey);
  /** `n` leaves; those before `commonUpTo` are shared by every history of this log, the rest are this one's. */
  const history = (name: string, n = 64, commonUpTo = 0): History => {
    const store = new MemoryNodeStore();
    const appender = new MerkleAppender();
    const roots: Hash[] = [appender.root()];
    for (let i = 0; i < n; i++) {
      const leaf = i < commonUpTo ? `${origin} event ${i}` : `${origin} ${name} event ${i}`;
      store.put(appender.append(leafHash(new TextEncoder().encode(leaf))));
      roots.push(appender.root());
    }
    const root = (size: number) => roots[size]!;
    return {
      root,
      proof: (from, to) => consistencyProof(store.read, from, to),
      note: (size, by = signer) => signNote(formatCheckpoint({ origin, size, rootHash: root(size), extensions: [] }), [by]),
    };
  };
  return { origin, vkey: keys.vkey, signer, history, flag: `${origin}=${keys.vkey}` };
}

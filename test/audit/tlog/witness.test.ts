// A witness's add-checkpoint decisions (c2sp.org/tlog-witness): it cosigns consistent extensions
// and refuses forks, rollbacks, bad proofs and stale old sizes with the spec's status codes.
import * as nodeCrypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64 } from '../../../src/features/audit/tlog/bytes.ts';
import { formatCheckpoint } from '../../../src/features/audit/tlog/checkpoint.ts';
import { cosignatureTimestamp, cosigner, verifierFromKey } from '../../../src/features/audit/tlog/cosignature.ts';
import { EMPTY_ROOT, leafHash, type Hash } from '../../../src/features/audit/tlog/merkle.ts';
import { MerkleAppender } from '../../../src/features/audit/tlog/merkle-appender.ts';
import { consistencyProof } from '../../../src/features/audit/tlog/merkle-proofs.ts';
import { MemoryNodeStore } from '../../../src/features/audit/tlog/node-store.ts';
import { generateNoteKey, noteSigner, noteVerifier } from '../../../src/features/audit/tlog/note-keys.ts';
import {
  formatNote,
  openNote,
  parseSignatureLines,
  signNote,
  signatureLine,
  signText,
  type NoteSigner,
  type NoteVerifier,
} from '../../../src/features/audit/tlog/signed-note.ts';
import {
  decideAddCheckpoint,
  formatAddCheckpoint,
  originHash,
  parseAddCheckpoint,
  parseTlogSize,
  type WitnessedTree,
} from '../../../src/features/audit/tlog/witness.ts';

const ORIGIN = 'trove.example/audit';

/** A log's tree, built leaf by leaf; `prefix` makes a different history (a fork). */
function tree(prefix: string, n = 64) {
  const store = new MemoryNodeStore();
  const appender = new MerkleAppender();
  const roots: Hash[] = [appender.root()];
  for (let i = 0; i < n; i++) {
    store.put(appender.append(leafHash(new TextEncoder().encode(`${prefix} event ${i}`))));
    roots.push(appender.root());
  }
  return { roots, proof: (m: number, k: number) => consistencyProof(store.read, m, k) };
}

let logKey: NoteSigner;
let logVerifier: NoteVerifier;
let stranger: NoteSigner;
beforeAll(async () => {
  const log = await generateNoteKey(ORIGIN);
  logKey = await noteSigner(log.skey);
  logVerifier = noteVerifier(log.vkey);
  stranger = await noteSigner((await generateNoteKey(ORIGIN)).skey);
});

const honest = tree('real');
const forked = tree('rewritten');
const signed = (size: number, root: Hash, signer = logKey) => signNote(formatCheckpoint({ origin: ORIGIN, size, rootHash: root, extensions: [] }), [signer]);

/** One witness: its state per origin, updated on every 200 as the caller would. */
function witness() {
  const state = new Map<string, WitnessedTree>();
  const logs = new Map([[ORIGIN, [logVerifier]]]);
  return {
    state,
    async add(oldSize: number, proof: Hash[], checkpoint: string) {
      const d = await decideAddCheckpoint(formatAddCheckpoint({ oldSize, proof, checkpoint }), logs, (o) => state.get(o));
      if (d.status === 200) state.set(d.checkpoint.origin, d.next);
      return d;
    },
  };
}

describe('witness add-checkpoint', () => {
  it('cosigns a first checkpoint (old size 0), then each consistent extension, then the same tree again', async () => {
    const w = witness();
    expect((await w.add(0, [], await signed(10, honest.roots[10]!))).status).toBe(200);
    expect((await w.add(10, honest.proof(10, 25), await signed(25, honest.roots[25]!))).status).toBe(200);
    expect((await w.add(25, [], await signed(25, honest.roots[25]!))).status).toBe(200);
    expect(w.state.get(ORIGIN)).toEqual({ size: 25, rootHash: honest.roots[25] });
  });

  it('refuses a fork of the same size, signed with the real log key, with 422', async () => {
    const w = witness();
    await w.add(0, [], await signed(25, honest.roots[25]!));
    const d = await w.add(25, [], await signed(25, forked.roots[25]!));
    expect(d.status).toBe(422);
    expect(w.state.get(ORIGIN)!.rootHash).toEqual(honest.roots[25]);
  });

  it('refuses a rewritten history whose proof is valid only in the fork, and a tampered proof, with 422', async () => {
    const w = witness();
    await w.add(0, [], await signed(25, honest.roots[25]!));
    expect((await w.add(25, forked.proof(25, 40), await signed(40, forked.roots[40]!))).status).toBe(422);
    const tampered = honest.proof(25, 40).map((h, i) => (i === 0 ? h.map((b) => b ^ 1) : h));
    expect((await w.add(25, tampered, await signed(40, honest.roots[40]!))).status).toBe(422);
    expect((await w.add(25, honest.proof(24, 40), await signed(40, honest.roots[40]!))).status).toBe(422);
    expect((await w.add(25, honest.proof(25, 40), await signed(40, honest.roots[40]!))).status).toBe(200);
  });

  it('refuses a smaller tree: 400 when the old size exceeds it, 409 with the current size otherwise', async () => {
    const w = witness();
    await w.add(0, [], await signed(25, honest.roots[25]!));
    expect((await w.add(25, [], await signed(20, honest.roots[20]!))).status).toBe(400);
    const d = await w.add(20, [], await signed(20, honest.roots[20]!));
    expect(d).toEqual({ status: 409, currentSize: 25, body: '25\n', contentType: 'text/x.tlog.size' });
    expect(parseTlogSize('25\n')).toBe(25);
  });

  it('answers 409 with its size to a stale or premature old size, so the log can retry', async () => {
    const w = witness();
    const d0 = await w.add(5, honest.proof(5, 10), await signed(10, honest.roots[10]!));
    expect(d0).toMatchObject({ status: 409, currentSize: 0, body: '0\n' });
    await w.add(0, [], await signed(25, honest.roots[25]!));
    expect(await w.add(10, honest.proof(10, 40), await signed(40, honest.roots[40]!))).toMatchObject({ status: 409, body: '25\n' });
  });

  it('answers 404 for an unknown origin and 403 without a valid signature by the log key', async () => {
    const w = witness();
    const otherOrigin = await signNote(formatCheckpoint({ origin: 'elsewhere.example/log', size: 1, rootHash: honest.roots[1]!, extensions: [] }), [logKey]);
    expect((await w.add(0, [], otherOrigin)).status).toBe(404);
    expect((await w.add(0, [], await signed(10, honest.roots[10]!, stranger))).status).toBe(403);
    const good = await signed(10, honest.roots[10]!);
    const badSig = good.replace(/ (\S{20})(\S)/, (_, a: string, c: string) => ` ${a}${c === 'A' ? 'B' : 'A'}`);
    expect((await w.add(0, [], badSig)).status).toBe(403);
    expect(w.state.size).toBe(0);
  });

  it('answers 422 for an empty tree with a non-empty root, and for a proof sent from size 0', async () => {
    const w = witness();
    expect((await w.add(0, [], await signed(0, honest.roots[1]!))).status).toBe(422);
    expect((await w.add(0, honest.proof(1, 10), await signed(10, honest.roots[10]!))).status).toBe(422);
    expect((await w.add(0, [], await signed(0, EMPTY_ROOT))).status).toBe(200);
  });

  it('answers 400 for malformed request bodies', async () => {
    const logs = new Map([[ORIGIN, [logVerifier]]]);
    const cp = await signed(10, honest.roots[10]!);
    const line = `${toBase64(honest.roots[1]!)}\n`;
    for (const body of [
      cp,
      `old 01\n\n${cp}`,
      `old -1\n\n${cp}`,
      `new 0\n\n${cp}`,
      `old 0\nnot base64\n\n${cp}`,
      `old 0\n${line.repeat(64)}\n${cp}`,
      'old 0\n\nnot a note\n',
      `old 0\n\n${cp.replace('\n10\n', '\n010\n')}`,
    ])
      expect((await decideAddCheckpoint(body, logs, () => undefined)).status, body).toBe(400);
  });

  it('round-trips the request body of the c2sp.org/tlog-witness example', () => {
    const body = `old 20852014
PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=
/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=

example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=
— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=
`;
    const req = parseAddCheckpoint(body);
    expect([req.oldSize, req.proof.length]).toEqual([20852014, 4]);
    expect(req.checkpoint.startsWith('example.com/behind-the-sofa\n20852163\n')).toBe(true);
    expect(formatAddCheckpoint(req)).toBe(body);
  });

  it('names a log on the monitoring path by the lowercase hex SHA-256 of its origin', () => {
    const want = nodeCrypto.createHash('sha256').update('example.com/behind-the-sofa').digest('hex');
    expect(originHash('example.com/behind-the-sofa')).toBe(want);
  });

  it('lets the log verify the cosignature lines a witness returns and attach them to its checkpoint', async () => {
    const w = witness();
    const keys = await generateNoteKey('witness.example/w1');
    const cosign = await cosigner(keys.skey, () => 1_750_000_000);
    const checkpoint = await signed(10, honest.roots[10]!);
    const d = await w.add(0, [], checkpoint);
    if (d.status !== 200) throw new Error(`expected 200, got ${d.status}`);
    const responseBody = signatureLine(await signText(d.note.text, cosign));
    const cosigned = checkpoint + responseBody;
    const opened = await openNote(cosigned, [verifierFromKey(cosign.vkey)]);
    expect(cosignatureTimestamp(opened.sigs[0]!)).toBe(1_750_000_000);
    expect((await openNote(cosigned, [logVerifier])).unverified).toEqual(parseSignatureLines(responseBody));
    expect(formatNote(d.note.text, [...d.note.sigs, ...parseSignatureLines(responseBody)])).toBe(cosigned);
  });
});

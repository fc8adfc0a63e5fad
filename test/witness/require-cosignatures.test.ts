// requireCosignatures: k of n pinned witnesses must have cosigned this exact checkpoint; a witness
// counts once however many lines or vkeys it has; a cosignature over another checkpoint counts for nothing.
import { beforeAll, describe, expect, it } from 'vitest';
import { requireCosignatures } from '../../src/features/audit/require-cosignatures.ts';
import { concatBytes, toBase64, uint32Bytes, uint64Bytes } from '../../src/features/audit/tlog/bytes.ts';
import { cosignatureMessage, cosigner } from '../../src/features/audit/tlog/cosignature.ts';
import { KEY_TYPE_COSIGNATURE_V1, ed25519Sign, generateNoteKey, parseSignerKey } from '../../src/features/audit/tlog/note-keys.ts';
import { parseNote, signText, signatureLine, type NoteSigner } from '../../src/features/audit/tlog/signed-note.ts';
import { fakeLog, type History } from './fake-log.ts';

type Cosigner = NoteSigner & { vkey: string };
let w: Cosigner[];
let plainVkey: string; // witness 0's key as a type 0x01 vkey, as some configurations hold it
let h: History;
let note: string;
beforeAll(async () => {
  const keys = await Promise.all([1, 2, 3].map((i) => generateNoteKey(`witness.test/w${i}`, i === 1 ? 1 : KEY_TYPE_COSIGNATURE_V1)));
  plainVkey = keys[0]!.vkey;
  w = await Promise.all(keys.map((k) => cosigner(k.skey, () => 1_760_000_000)));
  h = (await fakeLog('log.test/cosigned')).history('real');
  note = await h.note(10);
});

const body = (n: string) => parseNote(n).text;
const cosign = async (n: string, ...by: Cosigner[]) => {
  let out = n;
  for (const c of by) out += signatureLine(await signText(body(n), c));
  return out;
};

describe('requireCosignatures', () => {
  it('is met by k of the n pinned witnesses and names them', async () => {
    const two = await cosign(note, w[0]!, w[2]!);
    const vkeys = w.map((c) => c.vkey);
    expect(await requireCosignatures(two, vkeys, 2)).toEqual({ ok: true, k: 2, cosigned: [vkeys[0], vkeys[2]], invalid: [] });
    expect(await requireCosignatures(two, vkeys, 3)).toMatchObject({ ok: false, cosigned: [vkeys[0], vkeys[2]] });
    expect((await requireCosignatures(note, vkeys, 1)).ok).toBe(false); // the log's own signature is no cosignature
    expect((await requireCosignatures(note, vkeys, 0)).ok).toBe(true);
  });

  it('counts a witness once: repeated lines, and its key pinned twice or in both vkey types', async () => {
    const repeated = await cosign(note, w[0]!, w[0]!);
    const line = repeated.slice(repeated.lastIndexOf('—'));
    const twice = repeated + line;
    const check = await requireCosignatures(twice, [w[0]!.vkey, w[0]!.vkey, plainVkey, w[1]!.vkey], 1);
    expect(check).toMatchObject({ ok: true, cosigned: [w[0]!.vkey] });
    await expect(requireCosignatures(twice, [w[0]!.vkey, plainVkey, w[1]!.vkey], 2)).resolves.toMatchObject({ ok: false });
    await expect(requireCosignatures(twice, [w[0]!.vkey, plainVkey], 2)).rejects.toThrow(/between 0 and the 1 distinct/);
  });

  it('rejects a cosignature made over another checkpoint, and ignores witnesses nobody pinned', async () => {
    const other = await cosign(await h.note(11), w[1]!);
    const moved = (await cosign(note, w[0]!)) + other.slice(other.lastIndexOf('—'));
    const check = await requireCosignatures(moved, [w[0]!.vkey, w[1]!.vkey], 2);
    expect(check).toEqual({ ok: false, k: 2, cosigned: [w[0]!.vkey], invalid: [w[1]!.vkey] });
    const stranger = await cosign(note, w[2]!);
    expect((await requireCosignatures(stranger, [w[0]!.vkey, w[1]!.vkey], 1)).ok).toBe(false);
  });

  it('refuses a cosignature with no timestamp (time 0), which an add-checkpoint cosignature never has', async () => {
    const keys = await generateNoteKey('witness.test/zero', KEY_TYPE_COSIGNATURE_V1);
    const k = await parseSignerKey(keys.skey);
    // A genuine Ed25519 signature over the v1 message with time 0 (cosigner itself refuses to make one).
    const sig = await ed25519Sign(k.privateKey, cosignatureMessage(0, body(note)));
    const line = signatureLine({ name: k.name, keyId: k.keyId, base64: toBase64(concatBytes(uint32Bytes(k.keyId), uint64Bytes(0n), sig)) });
    expect(await requireCosignatures(note + line, [keys.vkey], 1)).toMatchObject({ ok: false, invalid: [keys.vkey] });
  });
});

// C2SP tlog-cosignature v1 (Ed25519, type 0x04): the signed message, key IDs and timestamps, with
// vectors from c2sp.org/tlog-cosignature and transparency-dev/formats note/note_cosigv1_test.go.
import * as nodeCrypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64 } from '../../../src/features/audit/tlog/bytes.ts';
import {
  cosignatureMessage,
  cosignatureTimestamp,
  cosignatureVerifier,
  cosignatureVerifierKey,
  cosigner,
  verifierFromKey,
} from '../../../src/features/audit/tlog/cosignature.ts';
import { KEY_TYPE_COSIGNATURE_V1, generateNoteKey, noteKeyId, noteVerifier, parseVerifierKey } from '../../../src/features/audit/tlog/note-keys.ts';
import { NoteError, openNote, parseNote, signNote } from '../../../src/features/audit/tlog/signed-note.ts';

const SOFA = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
// c2sp.org/tlog-cosignature: the example checkpoint's witness cosignature, made at 1679315147.
const SPEC_COSIG = '— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz'; // Go sumdb/note
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const T = 1_700_000_000;

describe('tlog cosignatures (v1, Ed25519)', () => {
  it('signs exactly "cosignature/v1", the time line and the checkpoint text, as the spec example shows', () => {
    const msg = new TextDecoder().decode(cosignatureMessage(1679315147, SOFA));
    expect(msg).toBe(`cosignature/v1\ntime 1679315147\n${SOFA}`);
  });

  it('reads the timestamp of the spec example and of the transparency-dev/formats vectors', () => {
    const [specSig] = parseNote(`${SOFA}\n${SPEC_COSIG}`).sigs;
    expect(cosignatureTimestamp(specSig!)).toBe(1679315147);
    const sig = (base64: string) => ({ name: 'w', keyId: 0, base64 });
    expect(cosignatureTimestamp(sig('ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA=='))).toBe(
      1727964367,
    );
    expect(() => cosignatureTimestamp(sig('eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY='))).toThrow();
    expect(() => cosignatureTimestamp(sig('5%/$!\n 2'))).toThrow();
  });

  it('parses cosigner verifier keys of type 0x04 with their key IDs (transparency-dev/formats vectors)', () => {
    const k = parseVerifierKey('remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2');
    expect([k.type, k.keyId]).toEqual([KEY_TYPE_COSIGNATURE_V1, 0xda77ade7]);
    expect(cosignatureVerifier(k).keyId).toBe(0xda77ade7);
    // A type 0x01 key converts to its cosignature form: same key, type 0x04, its own key ID.
    const converted = parseVerifierKey(cosignatureVerifierKey('TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6'));
    expect(converted.type).toBe(KEY_TYPE_COSIGNATURE_V1);
    expect(converted.keyId).toBe(noteKeyId('TEST', 0x04, converted.publicKey));
    for (const bad of [
      'bananas.sigstore.dev+12344556',
      'rekor.sigstore.dev+12345678+THIS_IS_NOT_BASE64!',
      'rekor.sigstore.dev+12345678+AwEB',
      'remora.n621.de+00000000+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2',
    ])
      expect(() => verifierFromKey(bad), bad).toThrow();
  });

  it('cosigns with a Go-format Ed25519 signer key under the type 0x04 key ID, and verifies', async () => {
    const witness = await cosigner(PETER_SKEY, () => T);
    expect(witness.keyId).toBe(noteKeyId('PeterNeumann', KEY_TYPE_COSIGNATURE_V1, parseVerifierKey(PETER_VKEY).publicKey));
    expect(witness.keyId).not.toBe(0xc74f20a3);
    const msg = await signNote(SOFA, [witness]);
    const note = await openNote(msg, [verifierFromKey(witness.vkey)]);
    expect(cosignatureTimestamp(note.sigs[0]!)).toBe(T);
    expect((await openNote(msg, [cosignatureVerifier(PETER_VKEY)])).sigs).toHaveLength(1);
    // A plain note verifier for the same key does not take a cosignature for its own signature.
    const e = await openNote(msg, [noteVerifier(PETER_VKEY)]).catch((err: NoteError) => err);
    expect((e as NoteError).code).toBe('unverified');
  });

  it('produces an Ed25519 signature that node:crypto verifies over the spec-defined message', async () => {
    const witness = await cosigner(PETER_SKEY, () => T);
    const [sig] = parseNote(await signNote(SOFA, [witness])).sigs;
    const raw = fromBase64(sig!.base64)!;
    expect(raw.length).toBe(4 + 8 + 64);
    expect(Buffer.from(raw.subarray(4, 12)).readBigUInt64BE()).toBe(BigInt(T));
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), parseVerifierKey(PETER_VKEY).publicKey]);
    const key = nodeCrypto.createPublicKey({ key: spki, format: 'der', type: 'spki' });
    const message = Buffer.from(`cosignature/v1\ntime ${T}\n${SOFA}`);
    expect(nodeCrypto.verify(null, message, key, raw.subarray(12))).toBe(true);
  });

  it('covers extension lines and the timestamp: changing either fails verification', async () => {
    const { skey, vkey } = await generateNoteKey('witness.example/w1');
    const witness = await cosigner(skey, () => T);
    const text = `${SOFA}Extendo\n`;
    const msg = await signNote(text, [witness]);
    const verifier = verifierFromKey(cosignatureVerifierKey(vkey));
    expect((await openNote(msg, [verifier])).sigs).toHaveLength(1);
    await expect(openNote(msg.replace('Extendo', 'Extende'), [verifier])).rejects.toThrow(NoteError);
    const [sig] = parseNote(msg).sigs;
    const raw = fromBase64(sig!.base64)!;
    raw[11]! ^= 1; // the timestamp's last byte
    const forged = `${text}\n— ${sig!.name} ${Buffer.from(raw).toString('base64')}\n`;
    await expect(openNote(forged, [verifier])).rejects.toThrow(/invalid signature/);
  });

  it('refuses to cosign without a positive POSIX time', async () => {
    for (const now of [() => 0, () => -5, () => Number.NaN]) {
      const witness = await cosigner(PETER_SKEY, now);
      await expect(signNote(SOFA, [witness])).rejects.toThrow(/POSIX time/);
    }
  });
});

// C2SP signed notes and their Ed25519 keys, against the reference vectors of Go's
// golang.org/x/mod/sumdb/note (note_test.go: PeterNeumann and EnochRoot keys, notes and manglings)
// and the example in c2sp.org/signed-note.
import { describe, expect, it } from 'vitest';
import {
  KEY_TYPE_ED25519,
  generateNoteKey,
  noteKeyId,
  noteSigner,
  noteVerifier,
  parseSignerKey,
  parseVerifierKey,
} from '../../../src/features/audit/tlog/note-keys.ts';
import { NoteError, openNote, parseNote, signNote, type NoteSigner } from '../../../src/features/audit/tlog/signed-note.ts';

// From golang.org/x/mod sumdb/note/note_test.go.
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const peter = { name: 'PeterNeumann', keyId: 0xc74f20a3, base64: PETER_SIG.slice(15, -1) };
const enoch = { name: 'EnochRoot', keyId: 0xaf0cfe78, base64: ENOCH_SIG.slice(12, -1) };
const corrupt = (line: string) => `${line.slice(0, 60)}ABCD${line.slice(60)}`;

async function noteError(p: Promise<unknown>): Promise<NoteError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(NoteError);
  return e as NoteError;
}

describe('signed-note keys', () => {
  it('parses the Go reference verifier and signer keys, with matching key IDs', async () => {
    const v = parseVerifierKey(PETER_VKEY);
    expect([v.name, v.keyId, v.type]).toEqual(['PeterNeumann', 0xc74f20a3, KEY_TYPE_ED25519]);
    expect(noteKeyId(v.name, v.type, v.publicKey)).toBe(0xc74f20a3);
    const s = await parseSignerKey(PETER_SKEY);
    expect([s.name, s.keyId]).toEqual(['PeterNeumann', 0xc74f20a3]);
    expect(s.publicKey).toEqual(v.publicKey);
    expect(parseVerifierKey(ENOCH_VKEY).keyId).toBe(0xaf0cfe78);
  });

  it('refuses every truncation and every one-character change of the reference verifier key', () => {
    for (let i = 0; i <= PETER_VKEY.length; i++) {
      for (let j = i + 1; j <= PETER_VKEY.length; j++) {
        if (i !== 0 || j !== PETER_VKEY.length) expect(() => parseVerifierKey(PETER_VKEY.slice(i, j))).toThrow();
      }
    }
    for (let i = 0; i < PETER_VKEY.length; i++) {
      const bumped = PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1);
      expect(() => parseVerifierKey(bumped), bumped).toThrow();
    }
    // Go's: a key of the wrong length, and an unknown algorithm, each with a key ID made to match.
    expect(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==')).toThrow();
    expect(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')).toThrow();
  });

  it('refuses every truncation and every one-character change of the reference signer key', async () => {
    const variants: string[] = [];
    for (let i = 0; i <= PETER_SKEY.length; i++) {
      for (let j = i + 1; j <= PETER_SKEY.length; j++) if (i !== 0 || j !== PETER_SKEY.length) variants.push(PETER_SKEY.slice(i, j));
    }
    for (let i = 0; i < PETER_SKEY.length; i++) {
      variants.push(PETER_SKEY.slice(0, i) + String.fromCharCode(PETER_SKEY.charCodeAt(i) + 1) + PETER_SKEY.slice(i + 1));
    }
    const accepted = [];
    for (const v of variants)
      if (
        await parseSignerKey(v).then(
          () => true,
          () => false,
        )
      )
        accepted.push(v);
    expect(accepted).toEqual([]);
  });

  it('generates key pairs whose signatures verify with the verifier key string', async () => {
    const { skey, vkey } = await generateNoteKey('trove.example/audit-log');
    expect(vkey).toMatch(/^trove\.example\/audit-log\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
    expect(skey.startsWith(`PRIVATE+KEY+trove.example/audit-log+${vkey.split('+')[1]}`)).toBe(true);
    const msg = await signNote('hello\n', [await noteSigner(skey)]);
    const note = await openNote(msg, [noteVerifier(vkey)]);
    expect(note.text).toBe('hello\n');
    expect(note.sigs).toHaveLength(1);
  });
});

describe('signed notes', () => {
  it('signs the Go reference text byte for byte as Go does (Ed25519 is deterministic)', async () => {
    const signer = await noteSigner(PETER_SKEY);
    expect(await signNote(TEXT, [signer])).toBe(`${TEXT}\n${PETER_SIG}`);
    // An existing signature by the same key is replaced by the new one.
    expect(await signNote(TEXT, [signer], [{ ...peter, base64: 'BADSIGN=' }])).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('verifies the c2sp.org/signed-note example with its verifier key', async () => {
    const vkey = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
    const msg =
      'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
    const note = await openNote(msg, [noteVerifier(vkey)]);
    expect(note.text).toBe('This is an example message.\n');
    expect(note.sigs.map((s) => s.name)).toEqual(['example.com/foo']);
  });

  it('keeps signatures from unknown keys as unverified, and verifies the known ones', async () => {
    const msg = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    const one = await openNote(msg, [noteVerifier(PETER_VKEY)]);
    expect(one).toEqual({ text: TEXT, sigs: [peter], unverified: [enoch] });
    const both = await openNote(msg, [noteVerifier(PETER_VKEY), noteVerifier(ENOCH_VKEY)]);
    expect(both).toEqual({ text: TEXT, sigs: [peter, enoch], unverified: [] });
  });

  it('refuses a note that no known key signed, handing back what it parsed', async () => {
    const e = await noteError(openNote(`${TEXT}\n${PETER_SIG}${ENOCH_SIG}`, []));
    expect(e.code).toBe('unverified');
    expect(e.note).toEqual({ text: TEXT, sigs: [], unverified: [peter, enoch] });
  });

  it('ignores a signature whose name or key ID only partly matches a known key', async () => {
    const otherId = PETER_SIG.replace('x08go', 'x08gp');
    const otherName = PETER_SIG.replace('PeterNeumann', 'PeterNeuman');
    for (const line of [otherId, otherName]) {
      expect((await noteError(openNote(`${TEXT}\n${line}`, [noteVerifier(PETER_VKEY)]))).code).toBe('unverified');
    }
  });

  it('refuses a note with a bad signature from a known key', async () => {
    const e = await noteError(openNote(`${TEXT}\n${corrupt(PETER_SIG)}`, [noteVerifier(PETER_VKEY)]));
    expect([e.code, e.message]).toEqual(['invalid-signature', 'invalid signature for key PeterNeumann+c74f20a3']);
    const dup = await noteError(openNote(`${TEXT}\n${PETER_SIG}${corrupt(PETER_SIG)}`, [noteVerifier(PETER_VKEY)]));
    expect(dup.code).toBe('invalid-signature');
  });

  it('drops repeated signatures, verified or not', async () => {
    const msg = `${TEXT}\n${PETER_SIG}${PETER_SIG}${ENOCH_SIG}${ENOCH_SIG}${corrupt(ENOCH_SIG)}`;
    const note = await openNote(msg, [noteVerifier(PETER_VKEY)]);
    const enochABCD = { ...enoch, base64: corrupt(ENOCH_SIG).slice(12, -1) };
    expect(note).toEqual({ text: TEXT, sigs: [peter], unverified: [enoch, enochABCD] });
  });

  it('refuses a key that two different known verifiers claim, when a signature uses it', async () => {
    const twice = [noteVerifier(ENOCH_VKEY), noteVerifier(PETER_VKEY), noteVerifier(ENOCH_VKEY)];
    expect((await noteError(openNote(`${TEXT}\n${ENOCH_SIG}`, twice))).code).toBe('ambiguous-key');
    expect((await openNote(`${TEXT}\n${PETER_SIG}`, twice)).sigs).toEqual([peter]);
  });

  it('refuses more than 100 signatures', async () => {
    const e = await noteError(openNote(`${TEXT}\n${PETER_SIG.repeat(101)}`, [noteVerifier(PETER_VKEY)]));
    expect(e.code).toBe('malformed');
    expect((await openNote(`${TEXT}\n${PETER_SIG.repeat(100)}`, [noteVerifier(PETER_VKEY)])).sigs).toEqual([peter]);
  });

  it('refuses the malformed notes of the Go reference tests', async () => {
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\u0001${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
    ];
    for (const msg of bad) expect((await noteError(openNote(msg, [noteVerifier(PETER_VKEY)]))).code, msg).toBe('malformed');
    // "\xff" + text: invalid UTF-8 arrives as bytes.
    const bytes = new Uint8Array([0xff, ...new TextEncoder().encode(`${TEXT}\n${PETER_SIG}`)]);
    expect((await noteError(openNote(bytes, [noteVerifier(PETER_VKEY)]))).code).toBe('malformed');
    expect(() => parseNote(`${TEXT}\n— PeterNeumann\n`)).toThrow(NoteError);
    expect(() => parseNote(`${TEXT}\n— PeterNeumann x08g\n`)).toThrow(NoteError); // < 5 bytes
  });

  it('refuses to sign a text without a final newline, a bad signer name or a mismatched kept signature', async () => {
    const signer = await noteSigner(PETER_SKEY);
    expect((await noteError(signNote('abc', [signer]))).code).toBe('malformed');
    const badName: NoteSigner = { ...signer, name: 'bad name' };
    expect((await noteError(signNote(TEXT, [badName]))).code).toBe('malformed');
    expect((await noteError(signNote(TEXT, [], [{ name: 'a+b', keyId: 0, base64: 'ABCD' }]))).code).toBe('malformed');
    expect((await noteError(signNote(TEXT, [], [{ ...peter, base64: 'BADHASH=' }]))).code).toBe('malformed');
  });
});

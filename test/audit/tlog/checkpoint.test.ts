// C2SP tlog-checkpoint bodies: the spec's example, Go's signed tree heads (sumdb client_test.go,
// whose checkpoints are signed notes with the origin "go.sum database tree"), and strictness cases
// from Go's tlog note_test.go and transparency-dev/formats log/checkpoint_test.go.
import { describe, expect, it } from 'vitest';
import { toBase64 } from '../../../src/features/audit/tlog/bytes.ts';
import { CheckpointError, formatCheckpoint, openCheckpoint, parseCheckpoint } from '../../../src/features/audit/tlog/checkpoint.ts';
import { EMPTY_ROOT } from '../../../src/features/audit/tlog/merkle.ts';
import { noteSigner, noteVerifier } from '../../../src/features/audit/tlog/note-keys.ts';
import { NoteError, signNote } from '../../../src/features/audit/tlog/signed-note.ts';

// golang.org/x/mod sumdb/client_test.go: the test log's keys and two of its signed tree heads.
const SUMDB_VKEY = 'localhost.localdev/sumdb+00000c67+AcTrnkbUA+TU4heY3hkjiSES/DSQniBqIeQ/YppAUtK6';
const SUMDB_SKEY = 'PRIVATE+KEY+localhost.localdev/sumdb+00000c67+AXu6+oaVaOYuQOFrf1V59JK1owcFlJcHwwXHDfDGxSPk';
const TREE5 = 'go.sum database tree\n5\nnWzN20+pwMt62p7jbv1/NlN95ePTlHijabv5zO/s36w=\n';
const TREE5_SIG = '— localhost.localdev/sumdb AAAMZ5/2FVAdMH58kmnz/0h299pwyskEbzDzoa2/YaPdhvLya4YWDFQQxu2TQb5GpwAH4NdWnTwuhILafisyf3CNbgg=\n';
const TREE6 = 'go.sum database tree\n6\nwc4SkQt52o5W2nQ8To2ARs+mWuUJjss+sdleoiqxMmM=\n';
const TREE6_SIG = '— localhost.localdev/sumdb AAAMZ6oRNswlEZ6ZZhxrCvgl1MBy+nusq4JU+TG6Fe2NihWLqOzb+y2c2kzRLoCr4tvw9o36ucQEnhc20e4nA4Qc/wc=\n';
// c2sp.org/tlog-checkpoint's example body.
const SOFA = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
// golang.org/x/mod sumdb/tlog note_test.go (TestParseTree).
const GO_TREE = 'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n';

describe('tlog checkpoints', () => {
  it('parses and formats the c2sp.org/tlog-checkpoint example body', () => {
    const c = parseCheckpoint(SOFA);
    expect([c.origin, c.size, c.rootHash.length, c.extensions]).toEqual(['example.com/behind-the-sofa', 20852163, 32, []]);
    expect(formatCheckpoint(c)).toBe(SOFA);
  });

  it('opens the Go sumdb signed tree heads with their verifier key, and re-signs them identically', async () => {
    for (const [text, sig, size] of [
      [TREE5, TREE5_SIG, 5],
      [TREE6, TREE6_SIG, 6],
    ] as const) {
      const { checkpoint, note } = await openCheckpoint(`${text}\n${sig}`, [noteVerifier(SUMDB_VKEY)], 'go.sum database tree');
      expect(checkpoint.size).toBe(size);
      expect(note.sigs).toHaveLength(1);
      expect(await signNote(text, [await noteSigner(SUMDB_SKEY)])).toBe(`${text}\n${sig}`);
    }
  });

  it('refuses a signed checkpoint from another origin, or one the pinned key did not sign', async () => {
    await expect(openCheckpoint(`${TREE5}\n${TREE5_SIG}`, [noteVerifier(SUMDB_VKEY)], 'trove.example/log')).rejects.toThrow(CheckpointError);
    const other = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
    await expect(openCheckpoint(`${TREE5}\n${TREE5_SIG}`, [noteVerifier(other)], 'go.sum database tree')).rejects.toThrow(NoteError);
  });

  it('parses the Go reference tree, sizes beyond 32 bits included, and keeps extension lines', () => {
    const c = parseCheckpoint(GO_TREE);
    expect([c.origin, c.size, toBase64(c.rootHash)]).toEqual(['go.sum database tree', 123456789012, 'TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=']);
    expect(parseCheckpoint(`${GO_TREE}JOE\n`).extensions).toEqual(['JOE']);
    expect(parseCheckpoint(GO_TREE + 'JOE\n'.repeat(1000)).extensions).toHaveLength(1000);
    expect(formatCheckpoint({ ...c, extensions: ['a', 'b c'] })).toBe(`${GO_TREE}a\nb c\n`);
  });

  it('refuses malformed bodies', () => {
    const root = 'dGhlIHZpZXcgZnJvbSB0aGUgdHJlZSB0b3BzIGlzIGdyZWF0IQ=='; // 37 bytes: not a SHA-256 root
    const bad = [
      `not-${GO_TREE.replace('go.sum database tree\n', '')}`, // Go: too few lines once the origin is gone
      'go.sum database tree\n0xabcdef\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n',
      'go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n',
      `${GO_TREE}JOE`, // no final newline
      `${GO_TREE}\n\n\n`, // extension lines must be non-empty
      'Head\n9944\n', // formats: insufficient lines
      `\n9944\n${root}\n`, // formats: empty origin
      'Log\n123\nYmFuYW5hcw==', // formats: missing newline
      `Log\nbananas\n${root}\n`,
      `Log\n-34\n${root}\n`,
      `Log\n3438945738945739845734895735\n${root}\n`,
      "Log\n123\nThisIsn'tBase64\n",
      'Log\n123\nYmFuYW5hcw==\n', // formats accepts any hash length; a SHA-256 root is 32 bytes
      `Log\n0123\n${toBase64(EMPTY_ROOT)}\n`, // leading zero
      `Log\n${2 ** 53}\n${toBase64(EMPTY_ROOT)}\n`, // not a safe integer
      `Log\n1\n${toBase64(EMPTY_ROOT).replace('=', '')}\n`, // unpadded base64
      `Log\u0007\n1\n${toBase64(EMPTY_ROOT)}\n`, // control character
    ];
    for (const text of bad) expect(() => parseCheckpoint(text), JSON.stringify(text)).toThrow(CheckpointError);
    expect(parseCheckpoint(`Log\n0\n${toBase64(EMPTY_ROOT)}\n`).size).toBe(0);
  });

  it('refuses to format what it would refuse to parse', () => {
    const ok = { origin: 'trove.example/log', size: 3, rootHash: EMPTY_ROOT, extensions: [] };
    expect(parseCheckpoint(formatCheckpoint(ok))).toEqual(ok);
    for (const c of [
      { ...ok, origin: '' },
      { ...ok, origin: 'a\nb' },
      { ...ok, size: -1 },
      { ...ok, size: 1.5 },
      { ...ok, rootHash: new Uint8Array(31) },
      { ...ok, extensions: [''] },
      { ...ok, extensions: ['x\ny'] },
    ])
      expect(() => formatCheckpoint(c)).toThrow();
  });
});

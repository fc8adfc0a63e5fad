// C2SP signed-note: text ending in "\n", a blank line, "— <name> base64(keyID ‖ sig)" lines. Opening
// ignores unknown keys, needs one known key's valid signature, and rejects any bad known signature.
import { concatBytes, fromBase64, fromUtf8, readUint32, toBase64, uint32Bytes, utf8 } from './bytes.ts';

export type NoteSignature = { readonly name: string; readonly keyId: number; readonly base64: string };
export type Note = { text: string; sigs: NoteSignature[]; unverified: NoteSignature[] };

/** A known public key: verifies `sig` (the bytes after the key ID) over the note text. */
export type NoteVerifier = {
  readonly name: string;
  readonly keyId: number;
  verify(text: Uint8Array, sig: Uint8Array): Promise<boolean>;
};
/** A private key: signs the note text, giving the bytes that follow the key ID. */
export type NoteSigner = {
  readonly name: string;
  readonly keyId: number;
  sign(text: Uint8Array): Promise<Uint8Array>;
};

export type NoteErrorCode = 'malformed' | 'unverified' | 'invalid-signature' | 'ambiguous-key';
export class NoteError extends Error {
  readonly code: NoteErrorCode;
  /** For 'unverified': the parsed note, all of its signatures unverified. */
  readonly note: Note | undefined;
  constructor(code: NoteErrorCode, message: string, note?: Note) {
    super(message);
    this.name = 'NoteError';
    this.code = code;
    this.note = note;
  }
}

export const MAX_SIGNATURES = 100;
const DASH = '\u2014 ';

/** Non-empty, well-formed, with no Unicode space and no '+'. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && name.isWellFormed() && !/[\s\u0085+]/u.test(name);
}

function checkText(text: string, what: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a note may hold no control character but newline (C2SP signed-note).
  if (!text.isWellFormed() || /[\u0000-\u0009\u000b-\u001f]/.test(text)) {
    throw new NoteError('malformed', `${what} has invalid UTF-8 or control characters`);
  }
}

/** Parses "— name base64" lines (each ending in "\n"), e.g. a witness's add-checkpoint reply. */
export function parseSignatureLines(block: string): NoteSignature[] {
  checkText(block, 'signature block');
  if (block === '' || !block.endsWith('\n')) throw new NoteError('malformed', 'signatures must end in a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('malformed', 'too many signatures');
  return lines.map((line) => {
    if (!line.startsWith(DASH)) throw new NoteError('malformed', 'a signature line must start with "— "');
    const rest = line.slice(DASH.length);
    const space = rest.indexOf(' ');
    const name = space < 0 ? rest : rest.slice(0, space);
    const base64 = space < 0 ? '' : rest.slice(space + 1);
    const raw = fromBase64(base64);
    if (!isValidKeyName(name) || !raw || raw.length < 5) throw new NoteError('malformed', 'malformed signature line');
    return { name, keyId: readUint32(raw), base64 };
  });
}

/** Splits a signed note at its last blank line, checking syntax only (nothing is verified). */
export function parseNote(msg: string | Uint8Array): { text: string; sigs: NoteSignature[] } {
  let s: string;
  try {
    s = typeof msg === 'string' ? msg : fromUtf8(msg);
  } catch {
    throw new NoteError('malformed', 'note is not valid UTF-8');
  }
  checkText(s, 'note');
  const split = s.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed', 'note has no signature block');
  return { text: s.slice(0, split + 1), sigs: parseSignatureLines(s.slice(split + 2)) };
}

const keyOf = (name: string, keyId: number) => `${name}+${keyId}`;

/** Parses and verifies a signed note against the known verifiers. */
export async function openNote(msg: string | Uint8Array, verifiers: readonly NoteVerifier[]): Promise<Note> {
  const { text, sigs } = parseNote(msg);
  const known = new Map<string, NoteVerifier[]>();
  for (const v of new Set(verifiers)) {
    const k = keyOf(v.name, v.keyId);
    known.set(k, [...(known.get(k) ?? []), v]);
  }
  const textBytes = utf8(text);
  const note: Note = { text, sigs: [], unverified: [] };
  const seen = new Set<string>();
  for (const sig of sigs) {
    const k = keyOf(sig.name, sig.keyId);
    const vs = known.get(k);
    if (!vs) {
      const line = signatureLine(sig);
      if (!seen.has(line)) note.unverified.push(sig);
      seen.add(line);
      continue;
    }
    if (vs.length > 1) throw new NoteError('ambiguous-key', `ambiguous key ${sig.name}+${hex8(sig.keyId)}`);
    // Every line from a known key is checked, duplicates included: one bad signature spoils the note.
    if (!(await vs[0]!.verify(textBytes, fromBase64(sig.base64)!.subarray(4)))) {
      throw new NoteError('invalid-signature', `invalid signature for key ${sig.name}+${hex8(sig.keyId)}`);
    }
    if (!seen.has(k)) note.sigs.push(sig);
    seen.add(k);
  }
  if (note.sigs.length === 0) throw new NoteError('unverified', 'note has no verifiable signatures', note);
  return note;
}

export const hex8 = (keyId: number): string => keyId.toString(16).padStart(8, '0');

export function signatureLine(sig: NoteSignature): string {
  return `${DASH}${sig.name} ${sig.base64}\n`;
}

export function formatNote(text: string, sigs: readonly NoteSignature[]): string {
  return `${text}\n${sigs.map(signatureLine).join('')}`;
}

/** One signature over the note text by `signer`. */
export async function signText(text: string, signer: NoteSigner): Promise<NoteSignature> {
  checkText(text, 'note text');
  if (!text.endsWith('\n')) throw new NoteError('malformed', 'note text must end in a newline');
  if (!isValidKeyName(signer.name)) throw new NoteError('malformed', 'invalid signer name');
  const sig = await signer.sign(utf8(text));
  return { name: signer.name, keyId: signer.keyId, base64: toBase64(concatBytes(uint32Bytes(signer.keyId), sig)) };
}

/**
 * Signs `text` with every signer; signatures in `keep` come first unless a signer has the same
 * name and key ID (its new signature replaces them).
 */
export async function signNote(text: string, signers: readonly NoteSigner[], keep: readonly NoteSignature[] = []): Promise<string> {
  const fresh: NoteSignature[] = [];
  for (const s of signers) fresh.push(await signText(text, s));
  const replaced = new Set(fresh.map((s) => keyOf(s.name, s.keyId)));
  const kept = keep.filter((s) => !replaced.has(keyOf(s.name, s.keyId)));
  for (const s of kept) {
    const [line] = parseSignatureLines(signatureLine(s));
    if (line!.keyId !== s.keyId) throw new NoteError('malformed', 'a kept signature does not match its key ID');
  }
  return formatNote(text, [...kept, ...fresh]);
}

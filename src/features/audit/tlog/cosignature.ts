// C2SP tlog-cosignature v1 (Ed25519, key type 0x04): the cosigner signs "cosignature/v1\ntime <t>\n"
// followed by the checkpoint text; the signature is u64 big-endian t ‖ 64-byte Ed25519 signature.
import { concatBytes, fromBase64, readUint64, uint64Bytes, utf8, type Bytes } from './bytes.ts';
import {
  KEY_TYPE_COSIGNATURE_V1,
  KEY_TYPE_ED25519,
  ed25519Sign,
  ed25519Verifier,
  formatVerifierKey,
  noteKeyId,
  noteVerifier,
  parseSignerKey,
  parseVerifierKey,
  type VerifierKey,
} from './note-keys.ts';
import type { NoteSignature, NoteSigner, NoteVerifier } from './signed-note.ts';

const MAX_TIMESTAMP = 2n ** 63n - 1n;

/** The signed message: header, time line, then the checkpoint note text (extension lines too). */
export function cosignatureMessage(timestamp: number | bigint, checkpointText: string | Uint8Array): Bytes {
  const text = typeof checkpointText === 'string' ? utf8(checkpointText) : checkpointText;
  return concatBytes(utf8(`cosignature/v1\ntime ${BigInt(timestamp)}\n`), text);
}

/** The cosigner's vkey (type 0x04) for a type 0x01 or 0x04 vkey of the same Ed25519 key. */
export function cosignatureVerifierKey(vkey: string): string {
  const k = parseVerifierKey(vkey);
  return formatVerifierKey(k.name, KEY_TYPE_COSIGNATURE_V1, k.publicKey);
}

/** Verifies v1 cosignatures by a type 0x04 key (a type 0x01 vkey is converted, as Go's formats do). */
export function cosignatureVerifier(vkey: string | VerifierKey): NoteVerifier {
  let k = typeof vkey === 'string' ? parseVerifierKey(vkey) : vkey;
  if (k.type === KEY_TYPE_ED25519) {
    k = { ...k, type: KEY_TYPE_COSIGNATURE_V1, keyId: noteKeyId(k.name, KEY_TYPE_COSIGNATURE_V1, k.publicKey) };
  }
  if (k.type !== KEY_TYPE_COSIGNATURE_V1) throw new Error('not a cosignature key');
  const verify = ed25519Verifier(k.publicKey);
  return {
    name: k.name,
    keyId: k.keyId,
    async verify(text, sig) {
      if (sig.length !== 72) return false;
      const t = readUint64(sig);
      if (t > MAX_TIMESTAMP) return false;
      return verify(cosignatureMessage(t, text), sig.subarray(8));
    },
  };
}

/** Any note verifier a vkey names: 0x01 signs the text itself, 0x04 is a v1 cosignature. */
export function verifierFromKey(vkey: string): NoteVerifier {
  const k = parseVerifierKey(vkey);
  return k.type === KEY_TYPE_COSIGNATURE_V1 ? cosignatureVerifier(k) : noteVerifier(k);
}

/**
 * A v1 cosigner from a signer key (type 0x01, as Go generates, or 0x04); its key ID is always
 * the type 0x04 one. `now` gives the POSIX time in seconds written into each cosignature.
 */
export async function cosigner(skey: string, now: () => number): Promise<NoteSigner & { readonly vkey: string }> {
  const k = await parseSignerKey(skey);
  return {
    name: k.name,
    keyId: noteKeyId(k.name, KEY_TYPE_COSIGNATURE_V1, k.publicKey),
    vkey: formatVerifierKey(k.name, KEY_TYPE_COSIGNATURE_V1, k.publicKey),
    async sign(text) {
      const t = Math.floor(now());
      // tlog-witness: the timestamp MUST NOT be zero.
      if (!Number.isSafeInteger(t) || t <= 0) throw new Error('a cosignature needs a positive POSIX time');
      const sig = await ed25519Sign(k.privateKey, cosignatureMessage(t, text));
      return concatBytes(uint64Bytes(BigInt(t)), sig);
    },
  };
}

/** The time a v1 cosignature claims (POSIX seconds); throws if it is not one. */
export function cosignatureTimestamp(sig: NoteSignature): number {
  const raw = fromBase64(sig.base64);
  if (!raw || raw.length !== 4 + 8 + 64) throw new Error('not a cosignature/v1 signature');
  const t = readUint64(raw, 4);
  if (t > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('cosignature timestamp out of range');
  return Number(t);
}

// Whether a checkpoint note carries valid cosignature/v1 lines from at least k distinct pinned
// witnesses. A witness is its public key: two vkeys of one key, or repeated lines, count once.
import { fromBase64, toBase64, utf8 } from './tlog/bytes.ts';
import { cosignatureTimestamp, cosignatureVerifier } from './tlog/cosignature.ts';
import { parseVerifierKey } from './tlog/note-keys.ts';
import { parseNote, type NoteSignature } from './tlog/signed-note.ts';

export type CosignatureCheck = {
  /** At least k distinct witnesses cosigned this exact checkpoint text. */
  ok: boolean;
  k: number;
  /** One vkey (the first given for its key) per witness whose cosignatures verified, in the order given. */
  cosigned: string[];
  /** Witnesses with a line under their key that does not verify (e.g. over another checkpoint). */
  invalid: string[];
};

/**
 * Checks the witnesses' lines only: the log's own signature is the caller's to check (with the
 * pinned log key). Throws on a malformed note or vkey, and on k outside 0 … distinct witnesses.
 */
export async function requireCosignatures(note: string, witnessVkeys: readonly string[], k: number): Promise<CosignatureCheck> {
  const { text, sigs } = parseNote(note);
  const byKey = new Map<string, string[]>(); // public key → the vkeys given for it
  for (const vkey of witnessVkeys) {
    const key = toBase64(parseVerifierKey(vkey).publicKey);
    byKey.set(key, [...new Set([...(byKey.get(key) ?? []), vkey])]);
  }
  if (!Number.isSafeInteger(k) || k < 0 || k > byKey.size) {
    throw new RangeError(`k must be between 0 and the ${byKey.size} distinct witness keys given (got ${k})`);
  }
  const message = utf8(text);
  const cosigned: string[] = [];
  const invalid: string[] = [];
  for (const vkeys of byKey.values()) {
    let lines = 0;
    let good = true;
    for (const verifier of vkeys.map(cosignatureVerifier)) {
      for (const s of sigs.filter((s) => s.name === verifier.name && s.keyId === verifier.keyId)) {
        lines++;
        good &&= await validLine(verifier, message, s);
      }
    }
    if (lines > 0) (good ? cosigned : invalid).push(vkeys[0]!);
  }
  return { ok: cosigned.length >= k, k, cosigned, invalid };
}

async function validLine(verifier: ReturnType<typeof cosignatureVerifier>, message: Uint8Array, s: NoteSignature): Promise<boolean> {
  // A zero time means "no timestamp", which an add-checkpoint cosignature never has.
  return (await verifier.verify(message, fromBase64(s.base64)!.subarray(4))) && cosignatureTimestamp(s) > 0;
}

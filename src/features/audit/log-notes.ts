// Small readings of stored checkpoint notes: which keys signed them, what they say.
import { cosignatureVerifier } from './tlog/cosignature.ts';
import { parseNote } from './tlog/signed-note.ts';

/** Whether the note carries a signature line named and keyed as this witness's cosignature (not checked here). */
export function parseCosignedBy(note: string, witnessVkey: string): boolean {
  const v = cosignatureVerifier(witnessVkey);
  try {
    return parseNote(note).sigs.some((s) => s.name === v.name && s.keyId === v.keyId);
  } catch {
    return false;
  }
}

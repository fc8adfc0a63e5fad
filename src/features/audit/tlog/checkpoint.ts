// C2SP tlog-checkpoint note text: origin line, tree size (decimal, no leading zeroes), base64
// 32-byte root hash, then optional non-empty extension lines; strict both ways.
import { fromBase64, parseDecimal, toBase64 } from './bytes.ts';
import { assertSize, isHash, type Hash } from './merkle.ts';
import { openNote, type Note, type NoteVerifier } from './signed-note.ts';

export type Checkpoint = {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Hash;
  readonly extensions: readonly string[];
};

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const badLine = (line: string): boolean => line === '' || !line.isWellFormed() || /[\u0000-\u001f]/.test(line);

/** Parses a checkpoint from note text (ending in "\n"); throws CheckpointError. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new CheckpointError('checkpoint text must end in a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CheckpointError('a checkpoint has at least three lines');
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (badLine(origin)) throw new CheckpointError('the origin line must be non-empty');
  const size = parseDecimal(sizeLine);
  if (size === null) throw new CheckpointError('the tree size must be decimal with no leading zeroes');
  const rootHash = fromBase64(rootLine);
  if (!rootHash || !isHash(rootHash)) throw new CheckpointError('the root hash must be base64 of 32 bytes');
  if (extensions.some(badLine)) throw new CheckpointError('extension lines must be non-empty');
  return { origin, size, rootHash, extensions };
}

/** The note text of a checkpoint; refuses anything parseCheckpoint would refuse. */
export function formatCheckpoint(c: Checkpoint): string {
  if (badLine(c.origin) || c.origin.includes('\n')) throw new CheckpointError('invalid origin');
  assertSize(c.size);
  if (!isHash(c.rootHash)) throw new CheckpointError('the root hash must be 32 bytes');
  if (c.extensions.some(badLine)) throw new CheckpointError('invalid extension line');
  return [c.origin, String(c.size), toBase64(c.rootHash), ...c.extensions].map((l) => `${l}\n`).join('');
}

/**
 * Opens a signed checkpoint: the note must verify with `verifiers` and its origin be `origin`.
 * A checkpoint's verified signatures are returned with it (unknown ones, e.g. other witnesses',
 * are kept as unverified).
 */
export async function openCheckpoint(msg: string, verifiers: readonly NoteVerifier[], origin: string): Promise<{ checkpoint: Checkpoint; note: Note }> {
  const note = await openNote(msg, verifiers);
  const checkpoint = parseCheckpoint(note.text);
  if (checkpoint.origin !== origin) {
    throw new CheckpointError(`checkpoint origin ${JSON.stringify(checkpoint.origin)} is not ${JSON.stringify(origin)}`);
  }
  return { checkpoint, note };
}

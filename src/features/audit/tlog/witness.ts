// C2SP tlog-witness add-checkpoint: the request body ("old <size>", ≤ 63 base64 proof lines, a
// blank line, the signed checkpoint) and what a witness answers, with the spec's status codes.
import { sha256 } from '@noble/hashes/sha2.js';
import { fromBase64, parseDecimal, toBase64, toHex, utf8 } from './bytes.ts';
import { parseCheckpoint, type Checkpoint } from './checkpoint.ts';
import { EMPTY_ROOT, assertSize, hashEquals, isHash, type Hash } from './merkle.ts';
import { verifyConsistency } from './merkle-verify.ts';
import { NoteError, openNote, parseNote, type Note, type NoteVerifier } from './signed-note.ts';

export const MAX_PROOF_LINES = 63;
/** Content type of a 409 response body ("<size>\n"). */
export const TLOG_SIZE_CONTENT_TYPE = 'text/x.tlog.size';

export type AddCheckpointRequest = { oldSize: number; proof: Hash[]; checkpoint: string };
/** The latest checkpoint a witness cosigned for one origin. */
export type WitnessedTree = { size: number; rootHash: Hash };

export type WitnessDecision =
  | { status: 200; checkpoint: Checkpoint; note: Note; next: WitnessedTree }
  | { status: 409; currentSize: number; body: string; contentType: typeof TLOG_SIZE_CONTENT_TYPE }
  | { status: 400 | 403 | 404 | 422; reason: string };

export function formatAddCheckpoint(req: AddCheckpointRequest): string {
  assertSize(req.oldSize, 'old size');
  if (req.proof.length > MAX_PROOF_LINES || !req.proof.every(isHash)) throw new Error('invalid consistency proof');
  return `old ${req.oldSize}\n${req.proof.map((h) => `${toBase64(h)}\n`).join('')}\n${req.checkpoint}`;
}

/** Parses a request body; throws on any deviation (the witness answers 400). */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  const blank = body.indexOf('\n\n');
  if (blank < 0) throw new Error('no blank line before the checkpoint');
  const [oldLine, ...proofLines] = body.slice(0, blank).split('\n');
  const oldSize = oldLine!.startsWith('old ') ? parseDecimal(oldLine!.slice(4)) : null;
  if (oldSize === null) throw new Error('the first line must be "old <size>"');
  if (proofLines.length > MAX_PROOF_LINES) throw new Error(`more than ${MAX_PROOF_LINES} proof lines`);
  const proof = proofLines.map((line) => {
    const h = fromBase64(line);
    if (!h || !isHash(h)) throw new Error('a proof line must be base64 of 32 bytes');
    return h;
  });
  return { oldSize, proof, checkpoint: body.slice(blank + 2) };
}

/** The lowercase hex SHA-256 of an origin: a witness serves its latest cosigned checkpoint for
 *  that log at GET <monitoring prefix>/<origin hash>/checkpoint. */
export const originHash = (origin: string): string => toHex(sha256(utf8(origin)));

/** The size in a 409 response body. */
export function parseTlogSize(body: string): number {
  const n = body.endsWith('\n') ? parseDecimal(body.slice(0, -1)) : null;
  if (n === null) throw new Error('malformed text/x.tlog.size body');
  return n;
}

const refuse = (status: 400 | 403 | 404 | 422, reason: string): WitnessDecision => ({ status, reason });

/**
 * What a witness answers to an add-checkpoint body, checks in the spec's order. `logs` maps each
 * known origin to its log keys; `latest` gives the last tree cosigned for an origin. On 200 the
 * caller cosigns `note.text` and stores `next` — atomically with the read of `latest`, or two
 * concurrent requests can roll the witness back.
 */
export async function decideAddCheckpoint(
  body: string,
  logs: ReadonlyMap<string, readonly NoteVerifier[]>,
  latest: (origin: string) => WitnessedTree | undefined | Promise<WitnessedTree | undefined>,
): Promise<WitnessDecision> {
  let req: AddCheckpointRequest;
  let checkpoint: Checkpoint;
  try {
    req = parseAddCheckpoint(body);
    checkpoint = parseCheckpoint(parseNote(req.checkpoint).text);
  } catch (e) {
    return refuse(400, e instanceof Error ? e.message : 'malformed request');
  }
  const verifiers = logs.get(checkpoint.origin);
  if (!verifiers) return refuse(404, `unknown log origin ${JSON.stringify(checkpoint.origin)}`);
  let note: Note;
  try {
    note = await openNote(req.checkpoint, verifiers);
  } catch (e) {
    if (e instanceof NoteError) return refuse(403, e.message);
    throw e;
  }
  const { oldSize, proof } = req;
  if (oldSize > checkpoint.size) return refuse(400, `old size ${oldSize} exceeds the checkpoint size ${checkpoint.size}`);
  const last = await latest(checkpoint.origin);
  const currentSize = last?.size ?? 0;
  if (oldSize !== currentSize) {
    return { status: 409, currentSize, body: `${currentSize}\n`, contentType: TLOG_SIZE_CONTENT_TYPE };
  }
  const next = { size: checkpoint.size, rootHash: checkpoint.rootHash };
  if (checkpoint.size === 0 && !hashEquals(checkpoint.rootHash, EMPTY_ROOT)) {
    return refuse(422, 'a checkpoint of size 0 must have the empty tree hash');
  }
  if (oldSize === 0) {
    if (proof.length !== 0) return refuse(422, 'no consistency proof may come from size 0');
    return { status: 200, checkpoint, note, next };
  }
  if (!verifyConsistency(oldSize, checkpoint.size, last!.rootHash, checkpoint.rootHash, proof)) {
    return refuse(
      422,
      oldSize === checkpoint.size
        ? 'same size as the last cosigned checkpoint but a different root (or a non-empty proof)'
        : `the consistency proof from ${oldSize} does not verify`,
    );
  }
  return { status: 200, checkpoint, note, next };
}

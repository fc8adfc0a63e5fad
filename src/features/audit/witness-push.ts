// Pushes a signed checkpoint to one witness (c2sp.org/tlog-witness add-checkpoint) and checks what
// it returns against the witness's key. No node: imports; the only I/O is the caller's fetch.
import { parseCheckpoint } from './tlog/checkpoint.ts';
import { cosignatureTimestamp, cosignatureVerifier } from './tlog/cosignature.ts';
import { formatNote, openNote, parseNote, parseSignatureLines, signatureLine, type NoteSignature } from './tlog/signed-note.ts';
import { formatAddCheckpoint, parseTlogSize } from './tlog/witness.ts';

/** A witness: its submission prefix (POST <url>/add-checkpoint) and its cosignature vkey. */
export type Witness = { readonly url: string; readonly vkey: string };

/** The part of fetch a push uses: global fetch fits, and so does an adapter over Trove's outbound client. */
export type WitnessFetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string> }>;

export type PushOptions = {
  fetch: WitnessFetch;
  /** Deadline for the whole push, the 409 retry included. */
  timeoutMs: number;
  /** The size this witness last cosigned, when remembered; otherwise the push starts from "old 0". */
  lastKnownSize?: number;
};

export type PushSuccess = {
  ok: true;
  /** The witness's verified cosignature lines ("— name base64\n" each), to append to the note. */
  lines: string;
  signatures: NoteSignature[];
  /** The size the witness now holds (the checkpoint's): the next push's lastKnownSize. */
  size: number;
};

/**
 * inconsistent: 422, the witness holds a tree this checkpoint does not extend (a fork, or a bad proof).
 * conflict: 409 even after retrying from the size it reported, or it has cosigned a larger tree.
 * refused: any other answer (400, 403 bad log signature, 404 unknown origin, 5xx).
 * bad-response: a 200 without a valid cosignature by the witness key, or an unreadable 409.
 */
export type PushFailureKind = 'inconsistent' | 'conflict' | 'refused' | 'bad-response' | 'timeout' | 'unreachable';
export type PushFailure = { ok: false; kind: PushFailureKind; message: string; status?: number; witnessSize?: number };
export type PushResult = PushSuccess | PushFailure;

const fail = (kind: PushFailureKind, message: string, extra: { status?: number; witnessSize?: number } = {}): PushFailure => ({
  ok: false,
  kind,
  message,
  ...extra,
});

/**
 * Sends `note` (a signed checkpoint) with a consistency proof from the witness's size, which
 * `proofFrom(oldSize)` gives (0 < oldSize < checkpoint size; never called otherwise). A 409 is
 * retried once from the size the witness reports. Throws only on the caller's bad input or a throwing proofFrom.
 */
export async function pushCheckpoint(
  witness: Witness,
  note: string,
  proofFrom: (oldSize: number) => Promise<readonly Uint8Array[]> | readonly Uint8Array[],
  opts: PushOptions,
): Promise<PushResult> {
  const { text } = parseNote(note);
  const { size } = parseCheckpoint(text);
  const verifier = cosignatureVerifier(witness.vkey);
  const endpoint = `${witness.url.replace(/\/+$/, '')}/add-checkpoint`;
  const deadline = AbortSignal.timeout(opts.timeoutMs);
  const known = opts.lastKnownSize;
  let oldSize = known !== undefined && Number.isSafeInteger(known) && known >= 0 && known <= size ? known : 0;
  for (let attempt = 1; ; attempt++) {
    const proof = oldSize === 0 || oldSize === size ? [] : [...(await proofFrom(oldSize))];
    const body = formatAddCheckpoint({ oldSize, proof, checkpoint: note });
    const answer = await post(opts.fetch, endpoint, body, deadline);
    if ('kind' in answer) return answer;
    const { status, reply } = answer;
    if (status === 200) return accept(text, reply, verifier, size);
    if (status === 422) return fail('inconsistent', `witness refused the checkpoint as inconsistent: ${brief(reply)}`, { status });
    if (status !== 409) return fail('refused', `witness answered ${status}: ${brief(reply)}`, { status });
    let witnessSize: number;
    try {
      witnessSize = parseTlogSize(reply);
    } catch {
      return fail('bad-response', 'witness answered 409 without a text/x.tlog.size body', { status });
    }
    if (witnessSize > size) {
      return fail('conflict', `witness has cosigned size ${witnessSize}, larger than this checkpoint's ${size}`, { status, witnessSize });
    }
    if (attempt > 1 || witnessSize === oldSize) {
      return fail('conflict', `witness answered 409 again (its size ${witnessSize}, sent old ${oldSize})`, { status, witnessSize });
    }
    oldSize = witnessSize;
  }
}

/** One request; the deadline also bounds fetch implementations that ignore the signal. */
async function post(fetch: WitnessFetch, url: string, body: string, deadline: AbortSignal): Promise<{ status: number; reply: string } | PushFailure> {
  let onAbort: () => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(deadline.reason);
    deadline.addEventListener('abort', onAbort, { once: true });
  });
  try {
    if (deadline.aborted) throw deadline.reason;
    const exchange = (async () => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/plain; charset=utf-8' }, body, signal: deadline });
      return { status: res.status, reply: await res.text() };
    })();
    return await Promise.race([exchange, aborted]);
  } catch (err) {
    if (deadline.aborted) return fail('timeout', 'witness did not answer in time');
    return fail('unreachable', `witness unreachable: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    deadline.removeEventListener('abort', onAbort);
    aborted.catch(() => {});
  }
}

/** A 200's body: keeps the witness key's lines (others are ignored, per spec); all of them must verify. */
async function accept(text: string, reply: string, verifier: ReturnType<typeof cosignatureVerifier>, size: number): Promise<PushResult> {
  let mine: NoteSignature[];
  try {
    mine = parseSignatureLines(reply).filter((s) => s.name === verifier.name && s.keyId === verifier.keyId);
    if (mine.length === 0) return fail('bad-response', 'witness answered 200 without a cosignature by its key', { status: 200 });
    await openNote(formatNote(text, mine), [verifier]);
    // tlog-witness: an add-checkpoint cosignature never omits its timestamp.
    if (mine.some((s) => cosignatureTimestamp(s) === 0)) throw new Error('a cosignature has a zero timestamp');
  } catch (err) {
    return fail('bad-response', `witness cosignature does not verify: ${err instanceof Error ? err.message : String(err)}`, { status: 200 });
  }
  const lines = [...new Set(mine.map(signatureLine))];
  return { ok: true, lines: lines.join(''), signatures: parseSignatureLines(lines.join('')), size };
}

const brief = (reply: string): string => JSON.stringify(reply.length > 200 ? `${reply.slice(0, 200)}…` : reply.trimEnd());

// Offline verification of an exported JSON Lines file: every event's hash is recomputed,
// links are checked wherever sequence numbers are consecutive (everywhere in a complete
// export, which must start at the genesis), each log checkpoint is checked against the
// tree rebuilt from the events before it (where they run from seq 1) and, given the pinned
// log key, its signature; the signed trailer must match the digest of every line before
// it. Needs only the file and public keys; names the first bad line.
import { createHash } from 'node:crypto';
import { verifyJws, type PublicJwk } from '../../crypto/signing.ts';
import { rowFromView, type AuditEventView } from '../auditors/event-view.ts';
import { EXPORT_TYP } from '../auditors/audit-export.ts';
import { GENESIS_HASH, hashEvent } from '../../db/audit-chain.ts';
import { eventLeafHash } from './event-leaf.ts';
import { toBase64 } from './tlog/bytes.ts';
import { openCheckpoint, parseCheckpoint } from './tlog/checkpoint.ts';
import { MerkleAppender } from './tlog/merkle-appender.ts';
import { noteVerifier, parseVerifierKey } from './tlog/note-keys.ts';
import { parseNote } from './tlog/signed-note.ts';

export type ExportVerifyResult = {
  ok: boolean;
  lines: number;
  events: number;
  checkpoints: number;
  complete: boolean | null;
  head: { seq: number; hash: string } | null;
  first_bad_line: number | null;
  first_bad_seq: number | null;
  problem: string | null;
};

class Bad extends Error {
  line: number;
  seq: number | null;
  constructor(line: number, seq: number | null, problem: string) {
    super(problem);
    this.line = line;
    this.seq = seq;
  }
}

const isEvent = (o: Record<string, unknown>): o is AuditEventView =>
  Number.isSafeInteger(o.seq) &&
  typeof o.hash === 'string' &&
  typeof o.prev_hash === 'string' &&
  typeof o.id === 'string' &&
  Number.isSafeInteger(o.ts) &&
  typeof o.action === 'string';

/** What a checkpoint line says, once its note is read (and verified, given the pinned log key). */
async function readCheckpointLine(o: Record<string, unknown>, logKeys: readonly string[]): Promise<{ size: number; root: string } | string> {
  const logKey = logKeys[0];
  try {
    const note = String(o.note);
    const { checkpoint } = logKey
      ? await openCheckpoint(
          note,
          logKeys.map((k) => noteVerifier(k)),
          parseVerifierKey(logKey).name,
        )
      : { checkpoint: parseCheckpoint(parseNote(note).text) };
    if (checkpoint.size !== o.size || toBase64(checkpoint.rootHash) !== o.root) return 'checkpoint line differs from its signed note';
    return { size: checkpoint.size, root: toBase64(checkpoint.rootHash) };
  } catch (err) {
    return logKey ? 'checkpoint is not signed by the pinned log key' : `checkpoint note unreadable: ${err instanceof Error ? err.message : String(err)}`;
  }
}

export async function verifyExport(
  lines: AsyncIterable<string> | Iterable<string>,
  jwks: { keys: PublicJwk[] },
  opts: { logKeys?: readonly string[] } = {},
): Promise<ExportVerifyResult> {
  // The tree over the events read so far, while they run from seq 1 without a gap.
  const tree = new MerkleAppender();
  const digest = createHash('sha256');
  let n = 0,
    events = 0,
    checkpoints = 0,
    contiguous = true;
  let last: { seq: number; hash: string; line: number } | null = null;
  let trailer: Record<string, unknown> | null = null;
  let header: Record<string, unknown> | null = null;
  try {
    for await (const text of lines) {
      n += 1;
      if (trailer) throw new Bad(n, null, 'content after the signed trailer');
      if (text === '') throw new Bad(n, null, 'empty line');
      let o: Record<string, unknown>;
      try {
        o = JSON.parse(text) as Record<string, unknown>;
      } catch {
        throw new Bad(n, null, 'not valid JSON');
      }
      if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new Bad(n, null, 'not a JSON object');
      if (o.type === 'export') {
        trailer = o;
        const sha = digest.digest('hex');
        let payload: Record<string, unknown>;
        try {
          payload = await verifyJws(String(o.jws), jwks, EXPORT_TYP);
        } catch {
          throw new Bad(n, null, 'the trailer has no valid signature from these keys');
        }
        for (const k of ['sha256', 'events', 'complete', 'head_seq'] as const) {
          if (payload[k] !== o[k]) throw new Bad(n, null, `the trailer's ${k} differs from what was signed`);
        }
        if (header?.complete !== payload.complete || header?.head_seq !== payload.head_seq)
          throw new Bad(1, null, 'the header differs from the signed trailer');
        if (payload.sha256 !== sha) throw new Bad(n, null, 'the lines before the trailer differ from what was signed (a line was changed, added or removed)');
        if (payload.events !== events) throw new Bad(n, null, `the trailer counts ${String(payload.events)} events, the file holds ${events}`);
        if (payload.complete === true && (!contiguous || (last?.seq ?? 0) !== payload.head_seq)) {
          throw new Bad(n, null, 'a complete export must hold every event from 1 to its head');
        }
        continue;
      }
      digest.update(`${text}\n`);
      if (n === 1) {
        if (o.type !== 'export_header') throw new Bad(n, null, 'the first line is not an export header');
        header = o;
        continue;
      }
      if (o.type === 'checkpoint') {
        checkpoints += 1;
        const cp = await readCheckpointLine(o, opts.logKeys ?? []);
        const at = Number(o.size) || null;
        if (typeof cp === 'string') throw new Bad(n, at, cp);
        if (!last || last.seq !== cp.size) throw new Bad(n, at, 'checkpoint does not follow the event it ends at');
        if (contiguous && toBase64(tree.root()) !== cp.root) throw new Bad(n, at, `the events up to ${cp.size} do not make the tree this checkpoint signed`);
        continue;
      }
      if (!isEvent(o)) throw new Bad(n, null, 'not an audit event, checkpoint or trailer');
      events += 1;
      const row = rowFromView(o);
      if (hashEvent(row) !== row.hash) throw new Bad(n, row.seq, 'event hash does not match its content (the line was edited)');
      if (last && row.seq <= last.seq) throw new Bad(n, row.seq, `sequence goes backwards after ${last.seq}`);
      if (header?.complete === true && row.seq !== (last?.seq ?? 0) + 1)
        throw new Bad(n, row.seq, `events ${(last?.seq ?? 0) + 1}–${row.seq - 1} are missing before this line`);
      const expectedPrev = last && row.seq === last.seq + 1 ? last.hash : !last && row.seq === 1 ? GENESIS_HASH : null;
      if (expectedPrev !== null && row.prev_hash !== expectedPrev) throw new Bad(n, row.seq, 'does not link to the event before it');
      if (last ? row.seq !== last.seq + 1 : row.seq !== 1) contiguous = false;
      if (contiguous) tree.append(eventLeafHash(row));
      last = { seq: row.seq, hash: row.hash, line: n };
    }
    if (!trailer) throw new Bad(n + 1, null, 'no signed trailer: the file is truncated or not a Trove export');
  } catch (err) {
    if (!(err instanceof Bad)) throw err;
    return {
      ok: false,
      lines: n,
      events,
      checkpoints,
      complete: null,
      head: last && { seq: last.seq, hash: last.hash },
      first_bad_line: err.line,
      first_bad_seq: err.seq,
      problem: err.message,
    };
  }
  return {
    ok: true,
    lines: n,
    events,
    checkpoints,
    complete: trailer.complete === true,
    head: last && { seq: last.seq, hash: last.hash },
    first_bad_line: null,
    first_bad_seq: null,
    problem: null,
  };
}

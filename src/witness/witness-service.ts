// A witness's two answers (c2sp.org/tlog-witness): add-checkpoint, decided by decideAddCheckpoint,
// cosigned only after the new state is durable; and the latest cosigned checkpoint per origin hash.
import type { Logger } from '../deps.ts';
import { toBase64 } from '../features/audit/tlog/bytes.ts';
import { parseCheckpoint, type Checkpoint } from '../features/audit/tlog/checkpoint.ts';
import { formatNote, parseNote, signText, signatureLine, type NoteSigner, type NoteVerifier } from '../features/audit/tlog/signed-note.ts';
import { decideAddCheckpoint, originHash, parseAddCheckpoint } from '../features/audit/tlog/witness.ts';
import { KeyedLock } from './keyed-lock.ts';
import type { WitnessRecord, WitnessState } from './state-file.ts';

export type WitnessReply = { status: number; contentType: string; body: string };

export type WitnessServiceDeps = {
  /** Each witnessed log's origin and its log key(s). */
  logs: ReadonlyMap<string, readonly NoteVerifier[]>;
  cosigner: NoteSigner;
  /** What the state file held at start. */
  state: WitnessState;
  /** Makes a new state durable (saveState), or throws. */
  save: (state: WitnessState) => Promise<void>;
  log: Logger;
};

const TEXT = 'text/plain; charset=utf-8';
const reply = (status: number, body: string, contentType = TEXT): WitnessReply => ({ status, contentType, body });

export function witnessService(deps: WitnessServiceDeps) {
  let committed: WitnessState = new Map(deps.state);
  const perOrigin = new KeyedLock();
  const writes = new KeyedLock();

  /** Adds one record to the latest committed state (not a snapshot an earlier request took), durably. */
  const commit = (origin: string, record: WitnessRecord) =>
    writes.run('state', async () => {
      const next = new Map(committed).set(origin, record);
      await deps.save(next);
      committed = next;
    });

  async function decideAndSave(body: string, offered: Checkpoint | null): Promise<WitnessReply> {
    const d = await decideAddCheckpoint(body, deps.logs, (origin) => committed.get(origin));
    if (d.status === 409) {
      if (offered && offered.size < d.currentSize) rollback(offered, committed.get(offered.origin));
      return reply(409, d.body, d.contentType);
    }
    if (d.status !== 200) {
      const last = offered && committed.get(offered.origin);
      if (d.status === 422 && offered && last) fork(offered, last, d.reason, body);
      else if (d.status === 400 && offered && last && offered.size < last.size) rollback(offered, last);
      else deps.log.info('add-checkpoint refused', { status: d.status, reason: d.reason, origin: offered?.origin });
      return reply(d.status, `${d.reason}\n`);
    }
    const cosignature = await signText(d.note.text, deps.cosigner);
    // Served to monitors: the log's signatures this witness verified, then its own cosignature.
    const checkpoint = formatNote(d.note.text, [...d.note.sigs, cosignature]);
    await commit(d.checkpoint.origin, { ...d.next, checkpoint });
    deps.log.info('cosigned', { origin: d.checkpoint.origin, size: d.next.size, root: toBase64(d.next.rootHash) });
    return reply(200, signatureLine(cosignature));
  }

  /** The loud line: the log signed a tree this witness cannot reconcile with the one it cosigned. */
  function fork(offered: Checkpoint, last: WitnessRecord, reason: string, request: string): void {
    const what = offered.size === last.size ? 'FORK' : 'INCONSISTENT TREE';
    deps.log.error(
      `${what} REFUSED for log ${offered.origin}: cosigned size ${last.size} root ${toBase64(last.rootHash)}, ` +
        `offered size ${offered.size} root ${toBase64(offered.rootHash)} (${reason})`,
      { origin: offered.origin, cosigned: tree(last), offered: tree(offered), reason, request },
    );
  }

  // A warning, not the loud line: a smaller checkpoint cannot make this witness cosign another
  // history, and a log's nodes pushing out of order (one lags behind another) send them too.
  function rollback(offered: Checkpoint, last: WitnessRecord | undefined): void {
    if (!last) return;
    deps.log.warn(
      `ROLLBACK REFUSED for log ${offered.origin}: cosigned size ${last.size} root ${toBase64(last.rootHash)}, ` +
        `offered smaller size ${offered.size} root ${toBase64(offered.rootHash)}`,
      { origin: offered.origin, cosigned: tree(last), offered: tree(offered) },
    );
  }

  return {
    /** POST add-checkpoint: one request per origin at a time, so check-and-save is atomic. */
    addCheckpoint(body: string): Promise<WitnessReply> {
      const offered = peek(body);
      if (!offered) return decideAndSave(body, null); // malformed: a 400, touching no state
      return perOrigin.run(offered.origin, () => decideAndSave(body, offered));
    },

    /** GET <origin hash>/checkpoint: the latest cosigned note, or undefined (a 404). */
    checkpoint(hash: string): string | undefined {
      for (const [origin, record] of committed) if (originHash(origin) === hash) return record.checkpoint;
      return undefined;
    },
  };
}

/** The checkpoint a request offers, parsed but not verified (to pick its origin's lock). */
function peek(body: string): Checkpoint | null {
  try {
    return parseCheckpoint(parseNote(parseAddCheckpoint(body).checkpoint).text);
  } catch {
    return null;
  }
}

const tree = (t: { size: number; rootHash: Uint8Array }) => ({ size: t.size, root: toBase64(t.rootHash) });

// Would restoring this backup roll the audit log back behind what others have seen? A
// checkpoint is published the moment it is signed (GET /v1/audit/checkpoint serves the
// newest to anyone), and a witness remembers what it cosigned, so the log must not lose
// events a checkpoint covers: the newest one in the database being replaced, and the
// newest each configured witness reports (which still counts when that database is lost).
// A backup whose event at that size differs is another history: refused the same way.
import { createHash } from 'node:crypto';
import BetterSqlite from 'better-sqlite3';
import { parseCosignedBy } from '../features/audit/log-notes.ts';

export type Witness = { url: string; vkey: string };

export type RollbackVerdict = {
  /** The largest checkpoint size anyone has seen: the replaced database's or a witness's. */
  published: number;
  /** Where it was seen: "database" and/or witness URLs, with the cosignatures it carried. */
  seen_in: string[];
  witnessed: number;
  backup_head: number;
  /** Events the restore would drop from behind that checkpoint. */
  behind: number;
  /** The backup's event at the checkpoint's size is not the replaced database's. */
  fork: boolean;
  notes: string[];
};

type Local = { size: number; note: string; hashAt: string | null } | null;

function readLocal(file: string | null): { local: Local; problem?: string } {
  if (!file) return { local: null };
  try {
    const db = new BetterSqlite(file, { readonly: true, fileMustExist: true });
    try {
      const cp = db.prepare('SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1').get() as { size: number; note: string } | undefined;
      if (!cp) return { local: null };
      const at = db.prepare('SELECT hash FROM audit_events WHERE seq = ?').get(cp.size) as { hash: string } | undefined;
      return { local: { size: Number(cp.size), note: cp.note, hashAt: at?.hash ?? null } };
    } finally {
      db.close();
    }
  } catch (err) {
    return { local: null, problem: `the database being replaced could not be read (${(err as Error).message}); relying on the witnesses` };
  }
}

/** What a witness last cosigned for this log (GET /<sha256(origin)>/checkpoint), its size. */
async function witnessSize(w: Witness, origin: string): Promise<number | null> {
  const hash = createHash('sha256').update(origin).digest('hex');
  const res = await fetch(`${w.url.replace(/\/$/, '')}/${hash}/checkpoint`, { signal: AbortSignal.timeout(5000) });
  if (res.status === 404) return 0;
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const note = await res.text();
  // Counted only when it carries this witness's own cosignature line.
  if (!parseCosignedBy(note, w.vkey)) throw new Error('its checkpoint does not carry its cosignature');
  const size = Number(note.split('\n')[1]);
  if (!Number.isSafeInteger(size)) throw new Error('not a checkpoint');
  return size;
}

export async function rollbackCheck(opts: { replaced: string | null; backup: string; witnesses: readonly Witness[] }): Promise<RollbackVerdict> {
  const notes: string[] = [];
  const { local, problem } = readLocal(opts.replaced);
  if (problem) notes.push(problem);
  const backup = new BetterSqlite(opts.backup, { readonly: true, fileMustExist: true });
  let backupHead: number;
  let origin: string | undefined;
  let backupHashAt: string | null = null;
  try {
    backupHead = Number((backup.prepare('SELECT max(seq) AS seq FROM audit_events').get() as { seq: number | null }).seq ?? 0);
    const anyNote = backup.prepare('SELECT note FROM log_checkpoints ORDER BY size DESC LIMIT 1').get() as { note: string } | undefined;
    // The checkpoint origin is the log key's name (log-checkpoint.ts), also before any checkpoint.
    const logKey = backup.prepare("SELECT public_jwk FROM keys WHERE kind = 'log' ORDER BY version LIMIT 1").get() as { public_jwk: string } | undefined;
    const keyName = logKey && (JSON.parse(logKey.public_jwk) as { vkey?: string }).vkey?.split('+')[0];
    origin = (local?.note ?? anyNote?.note)?.split('\n')[0] ?? keyName;
    if (local) backupHashAt = (backup.prepare('SELECT hash FROM audit_events WHERE seq = ?').get(local.size) as { hash: string } | undefined)?.hash ?? null;
  } finally {
    backup.close();
  }
  let published = local?.size ?? 0;
  const seenIn = local ? ['database'] : [];
  let witnessed = local ? opts.witnesses.filter((w) => parseCosignedBy(local.note, w.vkey)).length : 0;
  for (const w of opts.witnesses) {
    if (!origin) break; // no checkpoint anywhere: no witness has anything of this log
    try {
      const size = await witnessSize(w, origin);
      if (size === null || size === 0) continue;
      seenIn.push(w.url);
      if (size > published) published = size;
      if (!local || size > local.size) witnessed += 1;
    } catch (err) {
      notes.push(`witness ${w.url} could not be asked what it cosigned (${(err as Error).message})`);
    }
  }
  const fork = local !== null && backupHead >= local.size && local.hashAt !== null && backupHashAt !== local.hashAt;
  return { published, seen_in: seenIn, witnessed, backup_head: backupHead, behind: Math.max(0, published - backupHead), fork, notes };
}

// The audit_events view's rows, decoded in JS for the verifier's walk: the view's per-row
// join and previous-hash lookup cost more than the hashing itself (300,000 events: 3.2 s
// through the view, 0.4 s for the stored rows with SQL's hex(); binding each blob to a
// Buffer instead took 2 s). Same answers as the view
// (migration 0019): a row whose context is missing is not there, a missing brand is null,
// prev_hash is the hash of the row with seq − 1 (the genesis hash when there is none).
import type BetterSqlite from 'better-sqlite3';
import { GENESIS_HASH } from '../../../db/audit-chain.ts';
import type { AuditContextRow, AuditEventRow } from '../../../db/schema.ts';

/** What STORED_COLUMNS selects: a blob id as hex (id_text for any other id), the hash as hex. */
type Stored = { seq: number; id_hex: string | null; id_text: string | null; ts: number; context: number; brand: number; hash: string };

export const STORED_COLUMNS = `seq, CASE WHEN typeof(id) = 'blob' THEN lower(hex(id)) END AS id_hex, CASE WHEN typeof(id) <> 'blob' THEN id END AS id_text,
  ts, context, brand, CASE WHEN typeof(hash) = 'blob' THEN lower(hex(hash)) ELSE hash END AS hash`;

const uuid = (r: Stored) => {
  const h = r.id_hex;
  return h === null ? r.id_text! : `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** Decodes stored rows given in seq order; contexts and brands are read once each and kept. */
export function logRowDecoder(db: BetterSqlite.Database) {
  const contexts = new Map<number, AuditContextRow | null>();
  const brands = new Map<number, string | null>();
  const contextOf = db.prepare('SELECT * FROM audit_contexts WHERE num = ?');
  const brandOf = db.prepare('SELECT brand_id FROM audit_brands WHERE num = ?');
  const hashAt = db.prepare("SELECT CASE WHEN typeof(hash) = 'blob' THEN lower(hex(hash)) ELSE hash END FROM audit_log WHERE seq = ? LIMIT 1").pluck();
  let last: { seq: number; hash: string } | undefined;
  return (r: Stored): AuditEventRow | null => {
    let c = contexts.get(r.context);
    if (c === undefined) contexts.set(r.context, (c = (contextOf.get(r.context) as AuditContextRow | undefined) ?? null));
    const hash = r.hash;
    const prev = last?.seq === r.seq - 1 ? last.hash : ((hashAt.get(r.seq - 1) as string | undefined) ?? GENESIS_HASH);
    last = { seq: r.seq, hash };
    if (!c) return null;
    let b = brands.get(r.brand);
    if (b === undefined) brands.set(r.brand, (b = (brandOf.pluck().get(r.brand) as string | undefined) ?? null));
    return {
      seq: r.seq,
      id: uuid(r),
      ts: r.ts,
      actor_type: c.actor_type,
      actor_id: c.actor_id,
      action: c.action,
      outcome: c.outcome,
      consumer_id: c.consumer_id,
      brand_id: b,
      grant_id: c.grant_id,
      attributes: c.attributes,
      purpose: c.purpose,
      reason: c.reason,
      detail: c.detail,
      prev_hash: prev,
      hash,
    };
  };
}

// How an audit event leaves the vault: the stored row with JSON fields parsed and an
// ISO time added (nothing dropped, so a verifier can recompute its hash), its way back
// to a row, and the CSV line for spreadsheets.
import type { AuditEventRow } from '../../db/schema.ts';
import { canonicalJson } from '../../db/canonical-json.ts';

export type AuditEventView = Omit<AuditEventRow, 'attributes' | 'detail'> & {
  time: string;
  attributes: string[] | null;
  detail: Record<string, unknown> | null;
};

export function eventView(r: AuditEventRow): AuditEventView {
  return {
    seq: r.seq,
    id: r.id,
    ts: r.ts,
    time: new Date(r.ts).toISOString(),
    actor_type: r.actor_type,
    actor_id: r.actor_id,
    action: r.action,
    outcome: r.outcome,
    consumer_id: r.consumer_id,
    brand_id: r.brand_id,
    grant_id: r.grant_id,
    attributes: r.attributes ? (JSON.parse(r.attributes) as string[]) : null,
    purpose: r.purpose,
    reason: r.reason,
    detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : null,
    prev_hash: r.prev_hash,
    hash: r.hash,
  };
}

/** The stored row again, exactly as it was hashed (stored JSON is canonical). */
export function rowFromView(v: AuditEventView): AuditEventRow {
  return {
    seq: v.seq,
    id: v.id,
    ts: v.ts,
    actor_type: v.actor_type,
    actor_id: v.actor_id,
    action: v.action,
    outcome: v.outcome,
    consumer_id: v.consumer_id,
    brand_id: v.brand_id,
    grant_id: v.grant_id,
    attributes: v.attributes === null ? null : JSON.stringify(v.attributes),
    purpose: v.purpose,
    reason: v.reason,
    detail: v.detail === null ? null : canonicalJson(v.detail),
    prev_hash: v.prev_hash,
    hash: v.hash,
  };
}

export const CSV_COLUMNS = [
  'seq',
  'time',
  'ts',
  'id',
  'actor_type',
  'actor_id',
  'action',
  'outcome',
  'consumer_id',
  'brand_id',
  'grant_id',
  'attributes',
  'purpose',
  'reason',
  'detail',
  'prev_hash',
  'hash',
] as const;

/** RFC 4180 quoting; free-text cells that a spreadsheet would run as a formula get a leading apostrophe. */
export function csvCell(value: unknown, freeText = false): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (freeText && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const FREE_TEXT = new Set(['attributes', 'purpose', 'reason', 'detail']);

export function csvLine(r: AuditEventRow): string {
  const v = eventView(r);
  const cells = CSV_COLUMNS.map((c) => {
    const raw = c === 'attributes' ? (v.attributes ?? []).join(' ') : c === 'detail' ? r.detail : v[c];
    return csvCell(raw, FREE_TEXT.has(c));
  });
  return `${cells.join(',')}\r\n`;
}

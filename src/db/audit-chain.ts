// The hash chain: each event's hash covers the previous hash and a canonical encoding
// of every stored field, so any edit, deletion, insertion or reordering breaks a link.
import * as nodeCrypto from 'node:crypto';
import type { AuditEventRow } from './schema.ts';
import { newEventId } from '../crypto/random.ts';
import { canonicalJson } from './canonical-json.ts';
import type { AuditDraft } from './audit-event.ts';

export const GENESIS_HASH = '0'.repeat(64);

export type ChainHead = { seq: number; hash: string };

/** The exact bytes that are hashed: a fixed-order array, version-tagged. */
export function canonicalEvent(e: Omit<AuditEventRow, 'hash'>): string {
  return JSON.stringify([
    'trove-audit-v1',
    e.seq,
    e.id,
    e.ts,
    e.actor_type,
    e.actor_id,
    e.action,
    e.outcome,
    e.consumer_id,
    e.brand_id,
    e.grant_id,
    e.attributes,
    e.purpose,
    e.reason,
    e.detail,
    e.prev_hash,
  ]);
}

// One-shot hashing (crypto.hash) is about twice as fast as a Hash object, which matters
// to the verifier's throughput; runtimes without it use createHash. Same bytes either way.
export const sha256Hex: (data: string) => string =
  typeof nodeCrypto.hash === 'function'
    ? (data) => nodeCrypto.hash('sha256', data, 'hex')
    : (data) => nodeCrypto.createHash('sha256').update(data).digest('hex');

export function hashEvent(e: Omit<AuditEventRow, 'hash'>): string {
  return sha256Hex(canonicalEvent(e));
}

/** The event hash of an already encoded event (a walk encodes once for the chain and the tree). */
export const hashCanonical = (canonical: string): string => sha256Hex(canonical);

/** Turns drafts into chained rows following `head` (undefined for an empty log). */
export function chainEvents(head: ChainHead | undefined, drafts: readonly AuditDraft[], ts: number): AuditEventRow[] {
  let seq = head?.seq ?? 0;
  let prev = head?.hash ?? GENESIS_HASH;
  return drafts.map((d) => {
    seq += 1;
    const base = {
      seq,
      id: newEventId(ts),
      ts,
      actor_type: d.actor_type,
      actor_id: d.actor_id ?? null,
      action: d.action,
      outcome: d.outcome,
      consumer_id: d.consumer_id ?? null,
      brand_id: d.brand_id ?? null,
      grant_id: d.grant_id ?? null,
      attributes: d.attributes ? JSON.stringify(d.attributes) : null,
      purpose: d.purpose ?? null,
      reason: d.reason ?? null,
      detail: d.detail ? canonicalJson(d.detail) : null,
      prev_hash: prev,
    };
    const row = { ...base, hash: hashEvent(base) };
    prev = row.hash;
    return row;
  });
}

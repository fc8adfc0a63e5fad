// What an auditor can ask of the log: events by filter with a cursor that is stable
// while events are appended (it is a sequence number), signed checkpoints, and the
// verifier. Each query is itself an audit event, committed before anything is read;
// a scoped auditor's answers only ever contain its brands' events.
import type { AuditAction } from '../../db/audit-actions.ts';
import { InvalidField } from '../../errors.ts';
import { Buffer } from 'node:buffer';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { commit } from '../audit/commit.ts';
import { verifyAuditLog } from '../audit/verify.ts';
import { latestCheckpoint } from '../audit/log-checkpoint.ts';
import type { Auditor } from './accounts.ts';
import { describeFilter, eventCondition, eventFilter, type EventFilter } from './event-filter.ts';
import { eventView } from './event-view.ts';
import { indexedUpto } from '../audit/indexed-events.ts';
import { timeBounds } from '../audit/time-blocks.ts';

export const eventsQuery = eventFilter.extend({
  order: z.enum(['asc', 'desc']).default('asc'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(100).optional(),
});
export type EventsQuery = z.infer<typeof eventsQuery>;

export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(100).optional(),
});

export function encodeCursor(kind: string, seq: number): string {
  return Buffer.from(`${kind}:${seq}`).toString('base64url');
}

export function decodeCursor(kind: string, cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  const m = /^([a-z]+):(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!m || m[1] !== kind) throw new InvalidField('query.cursor', 'is not a cursor from this listing (order and filters must stay the same)');
  return Number(m[2]);
}

export async function auditorQueried(deps: Deps, auditor: Auditor, action: AuditAction, detail: Record<string, string | number | boolean | null>) {
  const actor = auditor.operator ? { actor_type: 'operator' as const, actor_id: null } : { actor_type: 'auditor' as const, actor_id: auditor.id };
  await commit(deps, { audit: [{ action, outcome: 'success', ...actor, detail }] });
}

export async function listEvents(deps: Deps, auditor: Auditor, q: EventsQuery) {
  const after = decodeCursor(q.order, q.cursor);
  await auditorQueried(deps, auditor, 'audit.queried', { filter: describeFilter(pickFilter(q)), order: q.order, page: after !== null });
  const upto = await indexedUpto(deps.store.db);
  const bounds = await timeBounds(deps.store.db, q.from, q.to);
  let qb = deps.store.db
    .selectFrom('audit_events')
    .selectAll()
    .where((eb) => eventCondition(eb, pickFilter(q), auditor.brands, upto, bounds));
  if (after !== null) qb = qb.where('seq', q.order === 'asc' ? '>' : '<', after);
  const rows = await qb
    .orderBy('seq', q.order)
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const more = rows.length > q.limit;
  return { events: page.map(eventView), next_cursor: more ? encodeCursor(q.order, page[page.length - 1]!.seq) : null, brands: await brandNames(deps, page) };
}

/** Display names of the brands on a page (as brand or as actor), keyed by client id, so a
 * reader sees "Stride & Co" beside brand_…; only brands the page already names. */
async function brandNames(deps: Deps, page: { brand_id: string | null; actor_type: string; actor_id: string | null }[]): Promise<Record<string, string>> {
  const ids = [...new Set(page.flatMap((r) => [r.brand_id, r.actor_type === 'brand' ? r.actor_id : null]).filter((id): id is string => id !== null))];
  if (!ids.length) return {};
  const rows = await deps.store.db.selectFrom('brands').select(['id', 'name']).where('id', 'in', ids).execute();
  return Object.fromEntries(rows.map((b) => [b.id, b.name]));
}

export function pickFilter(q: EventFilter): EventFilter {
  const { brand, consumer, grant, action, outcome, attribute, from, to } = q;
  return { brand, consumer, grant, action, outcome, attribute, from, to };
}

export async function listCheckpoints(deps: Deps, auditor: Auditor, q: z.infer<typeof pageQuery>) {
  const before = decodeCursor('cp', q.cursor);
  await auditorQueried(deps, auditor, 'audit.checkpoints_listed', { page: before !== null });
  let qb = deps.store.db.selectFrom('log_checkpoints').selectAll();
  if (before !== null) qb = qb.where('size', '<', before);
  const rows = await qb
    .orderBy('size', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  return {
    checkpoints: page.map((c) => ({ size: Number(c.size), root: c.root, time: new Date(Number(c.ts)).toISOString(), note: c.note })),
    next_cursor: rows.length > q.limit ? encodeCursor('cp', Number(page[page.length - 1]!.size)) : null,
  };
}

/**
 * The server's self-check of the whole log (integrity cannot be judged from a slice):
 * chain, tree and checkpoints against the log keys in its own database. It catches
 * accidents, not an operator who re-signs; the answer says so (trust: self-check) and
 * names the log key an auditor should check against their pinned copy. A scoped auditor
 * is told the outcome, the first bad position and counts over its own brands only.
 */
export async function verifyForAuditor(deps: Deps, auditor: Auditor) {
  await auditorQueried(deps, auditor, 'audit.verified', {});
  const result = await verifyAuditLog(deps.store.db);
  const latest = await latestCheckpoint(deps.store.db);
  const base = {
    ok: result.ok,
    trust: result.trust,
    first_bad_seq: result.first_bad_seq,
    problem: result.problem,
    log_key: deps.keys.logSigners[0]?.vkey ?? null,
    latest_checkpoint: latest ? { size: latest.size, time: new Date(latest.ts).toISOString(), note: latest.note } : null,
    unsigned: result.unsigned,
  };
  if (!auditor.brands) return { ...base, checked: result.checked, head: result.head };
  const scoped = (eb: Parameters<typeof eventCondition>[0]) => eventCondition(eb, {}, auditor.brands);
  const count = await deps.store.db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(scoped)
    .executeTakeFirst();
  const head = await deps.store.db.selectFrom('audit_events').select(['seq', 'hash']).where(scoped).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  return { ...base, checked: Number(count?.n ?? 0), head: head ?? null };
}

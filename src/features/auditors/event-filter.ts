// The auditor's event filter (brand, consumer pseudonym, grant, action, outcome, time,
// attribute name) as one zod schema shared by listing and export, and the SQL condition
// it becomes — always narrowed to the auditor's brand scope first.
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../db/schema.ts';
import { ofConsumer, ofGrant } from '../audit/indexed-events.ts';
import type { SeqBounds } from '../audit/time-blocks.ts';

const id = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'expected an identifier');
const when = z
  .string()
  .max(40)
  .transform((v, ctx) => {
    const ms = /^\d{1,15}$/.test(v) ? Number(v) : Date.parse(v);
    if (!Number.isFinite(ms) || !/^\d{1,15}$|^\d{4}-\d{2}-\d{2}/.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 date-time or epoch milliseconds' });
      return z.NEVER;
    }
    return ms;
  });

export const eventFilter = z.object({
  brand: id.optional(),
  consumer: id.optional(),
  grant: id.optional(),
  action: z
    .string()
    .min(1)
    .max(60)
    .regex(/^[a-z_.]+$/, 'expected an action such as grant.read')
    .optional(),
  outcome: z.enum(['success', 'denied', 'failure']).optional(),
  attribute: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9_-]+$/, 'expected an attribute name')
    .optional(),
  from: when.optional(),
  to: when.optional(),
});
export type EventFilter = z.infer<typeof eventFilter>;

/** null: every brand (and brand-less events); a list: only events of those brands. */
export type Scope = string[] | null;

/**
 * `upto`: how far the audit log's background index reaches (indexedUpto), for the consumer
 * and grant filters; `bounds`: the sequence range a time filter can match (timeBounds),
 * written as literals so PostgreSQL plans a range scan (they are integers read, not input).
 */
export function eventCondition(
  eb: ExpressionBuilder<Database, 'audit_events'>,
  f: EventFilter,
  scope: Scope,
  upto = 0,
  bounds: SeqBounds | null = null,
): Expression<SqlBool> {
  const all: Expression<SqlBool>[] = [];
  if (scope) all.push(scope.length ? eb('brand_id', 'in', scope) : sql<SqlBool>`1 = 0`);
  if (f.brand) all.push(eb('brand_id', '=', f.brand));
  if (f.consumer) all.push(ofConsumer(eb, f.consumer, upto));
  if (f.grant) all.push(ofGrant(eb, f.grant, upto));
  if (f.action) all.push(eb('action', '=', f.action));
  if (f.outcome) all.push(eb('outcome', '=', f.outcome));
  if (f.from !== undefined) all.push(eb('ts', '>=', f.from));
  if (f.to !== undefined) all.push(eb('ts', '<', f.to));
  if (bounds) all.push(eb('seq', '>=', sql.lit(Math.trunc(bounds.lo))));
  if (bounds?.hi != null) all.push(eb('seq', '<=', sql.lit(Math.trunc(bounds.hi))));
  // Names are stored as a JSON array; match the quoted name exactly ("_" escaped for LIKE).
  if (f.attribute) all.push(sql<SqlBool>`${sql.ref('attributes')} LIKE ${`%"${f.attribute.replace(/_/g, '\\_')}"%`} ESCAPE '\\'`);
  return all.length ? eb.and(all) : sql<SqlBool>`1 = 1`;
}

/** A short, value-free summary of the filter for the auditor's own audit event. */
export function describeFilter(f: EventFilter): string {
  return (
    Object.entries(f)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || 'none'
  );
}

// The audit events of one consumer or one grant, as a condition on audit_events: the
// sequence numbers the background index holds (audit-index.ts) and those of the
// un-indexed tail (after `upto`, found by sequence, so the scan is as short as the index
// is behind). The plain equality is kept beside it: an index row can only narrow what
// the event itself says, never widen it to another consumer's events.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database } from '../../db/schema.ts';

type Eb = ExpressionBuilder<Database, 'audit_events'>;

export function ofConsumer(eb: Eb, consumerId: string): Expression<SqlBool> {
  const tail = eb
    .selectFrom('audit_events as t')
    .select('t.seq')
    .where('t.seq', '>', eb.selectFrom('audit_index_state').select('upto').where('id', '=', 1))
    .where('t.consumer_id', '=', consumerId);
  return eb.and([
    eb('consumer_id', '=', consumerId),
    eb(
      'seq',
      'in',
      eb
        .selectFrom('audit_by_consumer')
        .select('seq')
        .where('consumer_id', '=', consumerId)
        .unionAll(tail as never),
    ),
  ]);
}

export function ofGrant(eb: Eb, grantId: string): Expression<SqlBool> {
  const tail = eb
    .selectFrom('audit_events as t')
    .select('t.seq')
    .where('t.seq', '>', eb.selectFrom('audit_index_state').select('upto').where('id', '=', 1))
    .where('t.grant_id', '=', grantId);
  return eb.and([
    eb('grant_id', '=', grantId),
    eb(
      'seq',
      'in',
      eb
        .selectFrom('audit_by_grant')
        .select('seq')
        .where('grant_id', '=', grantId)
        .unionAll(tail as never),
    ),
  ]);
}

// Finding one audit event by its id within an owner's scope (a consumer's or a brand's
// proof requests). The compact log keeps no index on ids (it would cost ~25 bytes an
// event): an id is a UUIDv7 whose first 48 bits are the commit time it was made with, the
// event's own `ts`, so the time index finds it among the few events of that millisecond.
// An id of another form (an older Trove's) is looked for among the owner's own events
// only, through the by-context or brand index, so no request can make the server scan the
// whole log.
import type { Kysely } from 'kysely';
import type { AuditEventRow, Database } from '../../db/schema.ts';
import { indexedUpto, ofConsumer } from './indexed-events.ts';

const UUID_V7 = /^([0-9a-f]{8})-([0-9a-f]{4})-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The millisecond a UUIDv7 was made in (null for any other id). */
export function uuidV7Time(id: string): number | null {
  const m = UUID_V7.exec(id);
  return m ? Number.parseInt(m[1]! + m[2]!, 16) : null;
}

export async function eventById(db: Kysely<Database>, id: string, scope: { consumerId?: string; brandId?: string }): Promise<AuditEventRow | undefined> {
  let q = db.selectFrom('audit_events').selectAll().where('id', '=', id);
  if (scope.consumerId) q = q.where('consumer_id', '=', scope.consumerId);
  if (scope.brandId) q = q.where('brand_id', '=', scope.brandId);
  const ts = uuidV7Time(id);
  if (ts !== null) {
    const found = await q.where('ts', '=', ts).executeTakeFirst();
    if (found) return found;
  }
  if (scope.consumerId) {
    const upto = await indexedUpto(db);
    return q.where((eb) => ofConsumer(eb, scope.consumerId!, upto)).executeTakeFirst();
  }
  // A brand's events are an index range on audit_log (the brand index); without an owner, no search.
  return scope.brandId ? q.executeTakeFirst() : undefined;
}

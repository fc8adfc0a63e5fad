// Portability: everything Trove holds about a consumer, decrypted, as one JSON document.
// The export is itself audited (as an event about the consumer, naming no values).
import type { Deps } from '../../deps.ts';
import { commit } from '../audit/commit.ts';
import { listPasskeys } from '../identity/passkeys.ts';
import { listConsumerGrants } from '../grants/consumer-grants.ts';
import { listProfile } from './attributes.ts';
import { listIntents } from './intents.ts';
import { listPersonas } from './personas.ts';
import { indexedUpto, ofConsumer } from '../audit/indexed-events.ts';

export async function exportConsumer(deps: Deps, consumerId: string) {
  const db = deps.store.db;
  const consumer = await db.selectFrom('consumers').select(['id', 'created_at']).where('id', '=', consumerId).executeTakeFirstOrThrow();
  const grants = await listConsumerGrants(deps, consumerId);
  const document = {
    format: 'trove-export-v1',
    exported_at: new Date(deps.clock.now()).toISOString(),
    consumer,
    attributes: await listProfile(deps, consumerId),
    personas: await listPersonas(deps, consumerId),
    intents: await listIntents(deps, consumerId),
    passkeys: await listPasskeys(deps, consumerId),
    grants: [...grants.active, ...grants.ended],
    value: [] as unknown[],
    audit_events: [] as unknown[],
  };
  const { events } = await commit(deps, {
    audit: [{ action: 'consumer.exported', outcome: 'success', actor_type: 'consumer', actor_id: consumerId, consumer_id: consumerId }],
  });
  const upto = await indexedUpto(db);
  const audit = await db
    .selectFrom('audit_events')
    .selectAll()
    .where((eb) => ofConsumer(eb, consumerId, upto))
    .where('seq', '<=', events[0]!.seq)
    .orderBy('seq')
    .execute();
  document.audit_events = audit.map((e) => ({
    ...e,
    attributes: e.attributes ? (JSON.parse(e.attributes) as string[]) : null,
    detail: e.detail ? (JSON.parse(e.detail) as unknown) : null,
  }));
  return document;
}

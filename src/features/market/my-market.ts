// The consumer's own market intents, for the portal's live offers: one of them by id (the
// stream opens only on one's own intent that is on the market), and all of them with how
// many offers each has, open and in all.
import type { Deps } from '../../deps.ts';
import { NotFound } from '../../errors.ts';

/** One of the consumer's own market intents (another's, or one not on the market: not found). */
export async function ownMarketIntent(deps: Deps, consumerId: string, intentId: string) {
  const row = await deps.store.db
    .selectFrom('intents')
    .select(['id', 'market_id', 'market_terms', 'status'])
    .where('id', '=', intentId)
    .where('consumer_id', '=', consumerId)
    .executeTakeFirst();
  if (!row?.market_id) throw new NotFound('No such market intent.');
  return row;
}

/** The consumer's market intents (pseudonym, terms) with how many offers each has, open and in all. */
export async function myMarketIntents(deps: Deps, consumerId: string) {
  const db = deps.store.db;
  const rows = await db
    .selectFrom('intents')
    .select(['id', 'market_id', 'market_terms'])
    .where('consumer_id', '=', consumerId)
    .where('market_id', 'is not', null)
    .orderBy('created_at', 'desc')
    .execute();
  if (!rows.length) return { intents: [] };
  // All the consumer's offers, not a list of intent ids: D1 binds at most 100 parameters.
  const offers = await db.selectFrom('offers').select(['intent_id', 'status', 'expires_at']).where('consumer_id', '=', consumerId).execute();
  const now = deps.clock.now();
  return {
    intents: rows.map((r) => {
      const mine = offers.filter((o) => o.intent_id === r.id);
      return {
        id: r.id,
        market: { id: r.market_id!, terms: r.market_terms },
        offers: { open: mine.filter((o) => o.status === 'open' && Number(o.expires_at) > now).length, total: mine.length },
      };
    }),
  };
}

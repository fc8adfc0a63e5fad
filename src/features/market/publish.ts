// Publishing an intent to the market: it gets a pseudonym (all a brand ever sees of who
// asked) and the agreement brands must accept to see it, the consumer's terms for the
// intent's persona. Brands that accept those terms and have a webhook are told at once
// (an intent.created SET naming only the pseudonym, category and deadline), in the same
// commit as the intent.
import type { Compilable } from 'kysely';
import type { Deps } from '../../deps.ts';
import { newId } from '../../crypto/random.ts';
import { InvalidField } from '../../errors.ts';
import { proffered } from '../terms/consumer-terms.ts';
import { queueEvent } from '../webhooks/security-event.ts';

export type MarketFields = { market_id: string; market_terms: string; category: string | null };

/** The market fields of a new intent, or refuses when the consumer proffers no terms for it. */
export async function marketFields(deps: Deps, consumerId: string, persona: string, category: string | undefined): Promise<MarketFields> {
  const terms = await proffered(deps, consumerId, persona || null);
  if (!terms) throw new InvalidField('market', 'choose your terms first (PUT /api/me/terms): only brands that accept them see a market intent');
  return { market_id: `mi_${newId()}`, market_terms: terms, category: category ?? null };
}

/** The intent.created deliveries for every active brand that accepts the intent's terms. */
export async function announce(deps: Deps, m: MarketFields, until: number | null): Promise<Compilable[]> {
  const brands = await deps.store.db
    .selectFrom('brands')
    .select(['id', 'webhook_url', 'accepted_terms'])
    .where('status', '=', 'active')
    .where('webhook_url', 'is not', null)
    .execute();
  const out: Compilable[] = [];
  for (const b of brands) {
    if (!(JSON.parse(b.accepted_terms ?? '[]') as string[]).includes(m.market_terms)) continue;
    const event = { intent: m.market_id, category: m.category, terms: m.market_terms, until: until ? new Date(until).toISOString() : null };
    out.push(...(await queueEvent(deps, b, null, 'intent.created', m.market_id, event)));
  }
  return out;
}

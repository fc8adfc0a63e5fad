// The market as brands see it: open intents published to the market whose terms the brand
// accepts, each under its pseudonym with what the consumer chose to publish, and nothing
// that names or links the consumer (no id, no pairwise subject, no persona, no attribute).
// Each intent handed out is an audit event, committed before the answer.
import type { Deps } from '../../deps.ts';
import type { AuditEvent } from '../../db/audit-event.ts';
import type { IntentRow } from '../../db/schema.ts';
import { open } from '../../crypto/aead.ts';
import { fromUtf8 } from '../../crypto/encoding.ts';
import { NotFound } from '../../errors.ts';
import { commit } from '../audit/commit.ts';
import { dataKeyFor } from '../profile/data-key.ts';
import { acceptedTerms } from '../terms/brand-terms.ts';

export type MarketFilter = { category?: string; until?: string };

/** Open, unexpired market intents whose terms this brand accepts (the row, unopened). */
export async function visibleIntents(deps: Deps, brandId: string, f: MarketFilter & { marketId?: string } = {}): Promise<IntentRow[]> {
  const db = deps.store.db;
  const brand = await db.selectFrom('brands').select(['accepted_terms', 'status']).where('id', '=', brandId).executeTakeFirst();
  const terms = brand?.status === 'active' ? acceptedTerms(brand) : [];
  if (!terms.length) return [];
  const now = deps.clock.now();
  let q = db
    .selectFrom('intents')
    .selectAll()
    .where('market_id', 'is not', null)
    .where('status', '=', 'open')
    .where('market_terms', 'in', terms)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]));
  if (f.marketId) q = q.where('market_id', '=', f.marketId);
  if (f.category) q = q.where('category', '=', f.category);
  // "until": intents still open at that time (a brand planning ahead).
  if (f.until) q = q.where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>=', Date.parse(f.until!))]));
  return q.orderBy('created_at', 'desc').limit(200).execute();
}

/** What a brand may know of a market intent. */
export async function marketView(deps: Deps, r: IntentRow) {
  const key = await dataKeyFor(deps, r.consumer_id);
  try {
    const content = JSON.parse(fromUtf8.decode(open(deps.sodium, key, r, `trove:intent:v1|${r.consumer_id}|${r.id}`))) as Record<string, unknown>;
    return {
      id: r.market_id!,
      text: content.text,
      category: content.category ?? null,
      size: content.size ?? null,
      colour: content.colour ?? null,
      budget: content.budget ?? null,
      terms: r.market_terms,
      until: r.expires_at ? new Date(r.expires_at).toISOString() : null,
      published_at: new Date(r.created_at).toISOString(),
    };
  } finally {
    key.fill(0);
  }
}

export async function openMarketIntents(deps: Deps, brandId: string, f: MarketFilter) {
  const rows = await visibleIntents(deps, brandId, f);
  const intents = [];
  const audit: AuditEvent[] = [];
  for (const r of rows) {
    intents.push(await marketView(deps, r));
    audit.push({
      action: 'intent.read',
      outcome: 'success',
      actor_type: 'brand',
      actor_id: brandId,
      brand_id: brandId,
      consumer_id: r.consumer_id,
      detail: { intent: r.id, market: r.market_id },
    });
  }
  if (audit.length) await commit(deps, { audit });
  return { intents };
}

/** One market intent this brand may see, or 404 (withdrawn, expired, other terms, unknown: all alike). */
export async function visibleIntent(deps: Deps, brandId: string, marketId: string): Promise<IntentRow> {
  const [row] = await visibleIntents(deps, brandId, { marketId });
  if (!row) throw new NotFound('No such open intent.');
  return row;
}

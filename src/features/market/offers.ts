// Offers: a brand's answer to a market intent — what it offers, under which agreement, and
// the authorization request it would need (its own PKCE challenge and redirect URI, so
// accepting the offer leads to the usual consent screen and code exchange). A brand may have
// a few open offers per intent; it learns of its own offers only whether they were taken.
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { newId } from '../../crypto/random.ts';
import { Conflict, InvalidField, NotFound } from '../../errors.ts';
import { commit } from '../audit/commit.ts';
import { troveAttributes, valueOffer } from '../grants/authorization-details.ts';
import { agreementOffered } from '../terms/brand-terms.ts';
import { visibleIntent } from './market-intents.ts';

export const MAX_OPEN_OFFERS_PER_BRAND = 3;
const MAX_OFFER_MS = 30 * 24 * 3600_000;

export const offerInput = z.strictObject({
  offer: valueOffer.extend({
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR')
      .optional(),
  }),
  /** The trove_attributes request accepting the offer opens (its agreement must be the intent's terms). */
  request: troveAttributes,
  redirect_uri: z.string().max(2000),
  code_challenge: z.string().regex(/^[A-Za-z0-9_-]{43,128}$/, 'base64url of the SHA-256 of a PKCE verifier'),
  state: z.string().max(512).optional(),
  expires_at: z.iso.datetime({ offset: true }),
});
export type OfferInput = z.infer<typeof offerInput>;

export async function makeOffer(deps: Deps, brandId: string, marketId: string, input: OfferInput) {
  const brand = await deps.store.db.selectFrom('brands').selectAll().where('id', '=', brandId).executeTakeFirst();
  if (!brand) throw new NotFound('No such open intent.');
  const intent = await visibleIntent(deps, brand.id, marketId);
  const now = deps.clock.now();
  const expiresAt = Date.parse(input.expires_at);
  if (!(expiresAt > now && expiresAt <= now + MAX_OFFER_MS)) throw new InvalidField('expires_at', 'must be in the future and within 30 days');
  if (!(JSON.parse(brand.redirect_uris) as string[]).includes(input.redirect_uri))
    throw new InvalidField('redirect_uri', 'not registered for this client (exact match)');
  if (input.request.agreement !== intent.market_terms) {
    throw new InvalidField('request.agreement', `must be the intent's terms ("${intent.market_terms}")`);
  }
  const problem = agreementOffered(deps.roster, brand, input.request.agreement);
  if (problem) throw new InvalidField('request.agreement', problem);
  if (input.request.value) throw new InvalidField('request.value', 'leave it out: the offer is what this request promises');
  // The request carries the offer as its promised value, so the consent screen, the grant,
  // its receipt and the consumer's value ledger all name what was offered.
  const { currency, ...offered } = input.offer;
  const request = { ...input.request, value: { ...offered, ...(currency ? { unit: currency } : {}) } };
  const db = deps.store.db;
  const mine = await db
    .selectFrom('offers')
    .select('id')
    .where('intent_id', '=', intent.id)
    .where('brand_id', '=', brand.id)
    .where('status', '=', 'open')
    .execute();
  if (mine.length >= MAX_OPEN_OFFERS_PER_BRAND) throw new Conflict(`at most ${MAX_OPEN_OFFERS_PER_BRAND} open offers per intent`);
  const id = `of_${newId()}`;
  await commit(deps, {
    writes: [
      db.insertInto('offers').values({
        id,
        intent_id: intent.id,
        consumer_id: intent.consumer_id,
        brand_id: brand.id,
        offer: JSON.stringify(input.offer),
        details: JSON.stringify(request),
        redirect_uri: input.redirect_uri,
        code_challenge: input.code_challenge,
        state: input.state ?? null,
        status: 'open',
        request_id: null,
        created_at: now,
        expires_at: expiresAt,
        decided_at: null,
      }),
    ],
    audit: [
      {
        action: 'offer.made',
        outcome: 'success',
        actor_type: 'brand',
        actor_id: brand.id,
        brand_id: brand.id,
        consumer_id: intent.consumer_id,
        attributes: [...input.request.attributes, ...input.request.optional_attributes],
        purpose: input.request.purpose,
        detail: { offer: id, intent: intent.id, terms: input.request.agreement },
      },
    ],
  });
  return brandOfferView({ id, status: 'open', created_at: now, expires_at: expiresAt }, marketId);
}

/** All a brand learns of its offer: open, taken, or not taken (declined and lost look alike). */
export function brandOfferView(o: { id: string; status: string; created_at: number; expires_at: number }, marketId: string | null) {
  const status = o.status === 'accepted' ? 'taken' : o.status === 'open' ? 'open' : 'not_taken';
  return { id: o.id, intent: marketId, status, created_at: new Date(o.created_at).toISOString(), expires_at: new Date(o.expires_at).toISOString() };
}

export async function brandOffer(deps: Deps, brandId: string, id: string) {
  const o = await deps.store.db.selectFrom('offers').selectAll().where('id', '=', id).where('brand_id', '=', brandId).executeTakeFirst();
  if (!o) throw new NotFound('No such offer.');
  const intent = await deps.store.db.selectFrom('intents').select('market_id').where('id', '=', o.intent_id).executeTakeFirst();
  return brandOfferView(o, intent?.market_id ?? null);
}

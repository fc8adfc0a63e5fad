// Offers as the consumer sees them: side by side for one intent (who, what value, what it
// asks for, under which terms and whether they are the consumer's own); accepting one turns
// its ready request into a pending request on the consent screen, bound to this consumer,
// and the intent's other offers become "not taken"; declining one closes it.
import type { Deps } from '../../deps.ts';
import type { OfferRow } from '../../db/schema.ts';
import { newId } from '../../crypto/random.ts';
import { GuardFailed, NotFound } from '../../errors.ts';
import { commit, commitOr } from '../audit/commit.ts';
import { PAR_TTL_S } from '../grants/par.ts';
import type { TroveAttributes } from '../grants/authorization-details.ts';
import { termsOfRequest } from '../terms/request-terms.ts';
import { listShown } from './offer-shown.ts';

export async function intentOffers(deps: Deps, consumerId: string, intentId: string) {
  const db = deps.store.db;
  const intent = await db.selectFrom('intents').select(['id', 'market_id']).where('id', '=', intentId).where('consumer_id', '=', consumerId).executeTakeFirst();
  if (!intent) throw new NotFound('No such intent.');
  const rows = await db
    .selectFrom('offers')
    .selectAll()
    .where('intent_id', '=', intentId)
    .where('consumer_id', '=', consumerId)
    .orderBy('created_at')
    .execute();
  const offers = await offerViews(deps, consumerId, rows);
  if (rows.length) await listShown(deps, consumerId, intentId, rows.length);
  return { intent: intentId, offers };
}

/** Offers as the consumer compares them: who, what value, what each asks for, under which terms. */
export async function offerViews(deps: Deps, consumerId: string, rows: readonly OfferRow[]) {
  if (!rows.length) return [];
  const brandIds = [...new Set(rows.map((r) => r.brand_id))];
  // In slices: D1 binds at most 100 parameters to a statement, and an intent may draw many brands.
  const brands = [];
  for (let i = 0; i < brandIds.length; i += 90) {
    const slice = brandIds.slice(i, i + 90);
    brands.push(...(await deps.store.db.selectFrom('brands').select(['id', 'name', 'logo_uri', 'homepage']).where('id', 'in', slice).execute()));
  }
  const now = deps.clock.now();
  const out = [];
  for (const r of rows) {
    const request = JSON.parse(r.details) as TroveAttributes;
    const b = brands.find((x) => x.id === r.brand_id);
    out.push({
      id: r.id,
      brand: { client_id: r.brand_id, name: b?.name ?? r.brand_id, logo_uri: b?.logo_uri ?? null, homepage: b?.homepage ?? null },
      offer: JSON.parse(r.offer) as unknown,
      asks_for: { attributes: request.attributes, optional_attributes: request.optional_attributes, access: request.access, duration: request.duration },
      purpose: { iri: request.purpose, description: request.purpose_description },
      ...(await termsOfRequest(deps, consumerId, request)),
      status: offerStatus(r, now),
      created_at: r.created_at,
      expires_at: r.expires_at,
    });
  }
  return out;
}

/** An offer's status as the consumer sees it: an open one past its date has expired. */
export const offerStatus = (r: Pick<OfferRow, 'status' | 'expires_at'>, now: number) =>
  r.status === 'open' && Number(r.expires_at) <= now ? 'expired' : r.status;

async function ownOpenOffer(deps: Deps, consumerId: string, id: string) {
  const o = await deps.store.db.selectFrom('offers').selectAll().where('id', '=', id).where('consumer_id', '=', consumerId).executeTakeFirst();
  if (o?.status !== 'open' || o.expires_at <= deps.clock.now()) throw new NotFound('No such open offer.');
  return o;
}

/** The intent an offer answers is still open: a withdrawn or expired intent takes its offers with it. */
const intentOpen = (deps: Deps, intentId: string) => ({
  name: 'intent_open',
  exists: deps.store.db
    .selectFrom('intents')
    .select('id')
    .where('id', '=', intentId)
    .where('status', '=', 'open')
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', deps.clock.now())])),
});

const stillOpen = (deps: Deps, id: string) => ({
  name: 'offer_open',
  changes: deps.store.db.updateTable('offers').set({ decided_at: deps.clock.now() }).where('id', '=', id).where('status', '=', 'open'),
});

export async function acceptOffer(deps: Deps, consumerId: string, id: string) {
  const o = await ownOpenOffer(deps, consumerId, id);
  const db = deps.store.db;
  const now = deps.clock.now();
  const requestId = newId();
  const details = JSON.parse(o.details) as TroveAttributes;
  await commitOr(
    deps,
    {
      guards: [intentOpen(deps, o.intent_id), stillOpen(deps, id)],
      writes: [
        db.insertInto('grant_requests').values({
          id: requestId,
          brand_id: o.brand_id,
          redirect_uri: o.redirect_uri,
          state: o.state,
          code_challenge: o.code_challenge,
          details: o.details,
          consumer_id: consumerId,
          status: 'pending',
          grant_id: null,
          created_at: now,
          expires_at: now + PAR_TTL_S * 1000,
          decided_at: null,
        }),
        db.updateTable('offers').set({ status: 'accepted', request_id: requestId }).where('id', '=', id),
        db
          .updateTable('offers')
          .set({ status: 'not_taken', decided_at: now })
          .where('intent_id', '=', o.intent_id)
          .where('status', '=', 'open')
          .where('id', '!=', id),
      ],
      audit: [
        {
          action: 'offer.accepted',
          outcome: 'success',
          actor_type: 'consumer',
          actor_id: consumerId,
          consumer_id: consumerId,
          brand_id: o.brand_id,
          attributes: [...details.attributes, ...details.optional_attributes],
          purpose: details.purpose,
          detail: { offer: id, intent: o.intent_id, request: requestId },
        },
      ],
    },
    () => {
      throw new NotFound('No such open offer.');
    },
  );
  return { request_id: requestId, client_id: o.brand_id };
}

export async function declineOffer(deps: Deps, consumerId: string, id: string) {
  const o = await ownOpenOffer(deps, consumerId, id);
  try {
    await commit(deps, {
      guards: [stillOpen(deps, id)],
      writes: [deps.store.db.updateTable('offers').set({ status: 'declined' }).where('id', '=', id)],
      audit: [
        {
          action: 'offer.declined',
          outcome: 'success',
          actor_type: 'consumer',
          actor_id: consumerId,
          consumer_id: consumerId,
          brand_id: o.brand_id,
          detail: { offer: id, intent: o.intent_id },
        },
      ],
    });
  } catch (err) {
    if (err instanceof GuardFailed) throw new NotFound('No such open offer.');
    throw err;
  }
}

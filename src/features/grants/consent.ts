// The consumer's consent decision on a pushed request. A request binds to the first
// signed-in consumer who opens it (nobody else can see or decide it), lives minutes and
// is decided once. Approval may drop optional attributes only; it creates the grant and
// a single-use authorization code in one commit with its audit event.
import type { Deps } from '../../deps.ts';
import type { GrantRequestRow, GrantRow } from '../../db/schema.ts';
import { hashSecret } from '../../crypto/hash.ts';
import { newId, newSecret } from '../../crypto/random.ts';
import { InvalidField, NotFound } from '../../errors.ts';
import { commit, commitOr } from '../audit/commit.ts';
import { CATALOG_BY_NAME } from '../profile/catalog.ts';
import { INTENTS, type TroveAttributes } from './authorization-details.ts';
import { describeDuration, parseDuration } from './iso-duration.ts';
import { pairwiseSubject } from './pairwise.ts';
import { purposeLabel } from './purposes.ts';
import { signReceipt } from './receipts.ts';
import { termsOfRequest } from '../terms/request-terms.ts';

export const AUTH_CODE_TTL_MS = 60_000;

async function ownRequest(deps: Deps, consumerId: string, id: string): Promise<GrantRequestRow> {
  const db = deps.store.db;
  const row = await db.selectFrom('grant_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.expires_at <= deps.clock.now() || (row.consumer_id !== null && row.consumer_id !== consumerId)) {
    throw new NotFound('No such request, or it has expired.');
  }
  if (row.consumer_id === null) {
    // Bind to this consumer; the guard makes the first opener win a race.
    await commit(deps, {
      writes: [db.updateTable('grant_requests').set({ consumer_id: consumerId }).where('id', '=', id).where('consumer_id', 'is', null)],
    });
    const bound = await db.selectFrom('grant_requests').select('consumer_id').where('id', '=', id).executeTakeFirstOrThrow();
    if (bound.consumer_id !== consumerId) throw new NotFound('No such request, or it has expired.');
  }
  return { ...row, consumer_id: consumerId };
}

const label = (name: string) => (name === INTENTS ? 'Your published intents' : (CATALOG_BY_NAME.get(name)?.label ?? name));

export async function viewRequest(deps: Deps, consumerId: string, id: string) {
  const row = await ownRequest(deps, consumerId, id);
  const d = JSON.parse(row.details) as TroveAttributes;
  const brand = await deps.store.db
    .selectFrom('brands')
    .select(['id', 'name', 'homepage', 'logo_uri', 'policy_uri', 'contact'])
    .where('id', '=', row.brand_id)
    .executeTakeFirstOrThrow();
  const have = new Set((await deps.store.db.selectFrom('attributes').select('name').where('consumer_id', '=', consumerId).execute()).map((r) => r.name));
  const durationMs = parseDuration(d.duration)!;
  const retentionMs = d.retention ? parseDuration(d.retention)! : null;
  return {
    id: row.id,
    status: row.status,
    expires_at: row.expires_at,
    brand: { client_id: brand.id, name: brand.name, homepage: brand.homepage, logo_uri: brand.logo_uri, policy_uri: brand.policy_uri, contact: brand.contact },
    attributes: [
      ...d.attributes.map((name) => ({ name, label: label(name), required: true, in_profile: name === INTENTS || have.has(name) })),
      ...d.optional_attributes.map((name) => ({ name, label: label(name), required: false, in_profile: name === INTENTS || have.has(name) })),
    ],
    persona: d.persona ?? null,
    purpose: { iri: d.purpose, label: purposeLabel(d.purpose)!, description: d.purpose_description },
    value: d.value ?? null,
    access: d.access,
    duration: { iso: d.duration, text: describeDuration(durationMs), until: deps.clock.now() + durationMs },
    retention: d.retention ? { iso: d.retention, text: describeDuration(retentionMs!) } : null,
    ...(await termsOfRequest(deps, consumerId, d)),
  };
}

function redirect(row: GrantRequestRow, deps: Deps, params: Record<string, string>): string {
  const url = new URL(row.redirect_uri);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  if (row.state !== null) url.searchParams.set('state', row.state);
  url.searchParams.set('iss', deps.config.origin);
  return url.toString();
}

const stillPending = (deps: Deps, id: string, consumerId: string) => ({
  name: 'request_pending',
  exists: deps.store.db.selectFrom('grant_requests').select('id').where('id', '=', id).where('status', '=', 'pending').where('consumer_id', '=', consumerId),
});

/** A concurrent approve or deny of the same request committed first. */
const decidedMeanwhile = (): never => {
  throw new NotFound('This request was already decided.');
};

export async function approveRequest(deps: Deps, consumerId: string, id: string, chosen?: string[]) {
  const row = await ownRequest(deps, consumerId, id);
  if (row.status !== 'pending') throw new NotFound('This request was already decided.');
  const d = JSON.parse(row.details) as TroveAttributes;
  const offered = [...d.attributes, ...d.optional_attributes];
  const selected = chosen ?? offered;
  const missing = d.attributes.filter((a) => !selected.includes(a));
  if (missing.length) throw new InvalidField('attributes', `required attributes cannot be dropped (${missing.join(', ')}); deny the request instead`);
  const extra = selected.filter((a) => !offered.includes(a));
  if (extra.length) throw new InvalidField('attributes', `not requested: ${extra.join(', ')}`);
  const granted = offered.filter((a) => selected.includes(a));

  const db = deps.store.db;
  const now = deps.clock.now();
  const grantId = newId();
  const code = newSecret('trv_ac');
  const grant: GrantRow = {
    id: grantId,
    brand_id: row.brand_id,
    consumer_id: consumerId,
    subject: pairwiseSubject(deps, row.brand_id, consumerId),
    attributes: JSON.stringify(granted),
    requested: JSON.stringify({ attributes: d.attributes, optional_attributes: d.optional_attributes }),
    persona: d.persona ?? null,
    purpose: d.purpose,
    purpose_description: d.purpose_description,
    value_offer: d.value ? JSON.stringify(d.value) : null,
    access: d.access,
    retention: d.retention ?? null,
    status: 'active',
    created_at: now,
    updated_at: now,
    expires_at: now + parseDuration(d.duration)!,
    revoked_at: null,
    revoked_by: null,
    revoked_reason: null,
    read_count: 0,
    last_read_at: null,
    agreement: d.agreement ?? null,
  };
  const brand = await db
    .selectFrom('brands')
    .select(['id', 'name', 'contact', 'homepage', 'policy_uri'])
    .where('id', '=', row.brand_id)
    .executeTakeFirstOrThrow();
  const receipt = await signReceipt(deps, grant, brand, 'granted');
  await commitOr(
    deps,
    {
      guards: [stillPending(deps, id, consumerId)],
      writes: [
        db.updateTable('grant_requests').set({ status: 'approved', grant_id: grantId, decided_at: now }).where('id', '=', id),
        db.insertInto('grants').values(grant),
        receipt.insert,
        db.insertInto('auth_codes').values({
          code_hash: hashSecret(code),
          grant_id: grantId,
          brand_id: row.brand_id,
          redirect_uri: row.redirect_uri,
          code_challenge: row.code_challenge,
          expires_at: now + AUTH_CODE_TTL_MS,
          used_at: null,
        }),
      ],
      audit: [
        {
          action: 'grant.approved',
          outcome: 'success',
          actor_type: 'consumer',
          actor_id: consumerId,
          consumer_id: consumerId,
          brand_id: row.brand_id,
          grant_id: grantId,
          attributes: granted,
          purpose: d.purpose,
          detail: {
            request: id,
            access: d.access,
            dropped: offered.filter((a) => !granted.includes(a)).join(','),
            receipt: receipt.id,
            agreement: d.agreement ?? null,
          },
        },
      ],
    },
    decidedMeanwhile,
  );
  return { redirect_to: redirect(row, deps, { code }), grant_id: grantId, receipt_id: receipt.id };
}

export async function denyRequest(deps: Deps, consumerId: string, id: string) {
  const row = await ownRequest(deps, consumerId, id);
  if (row.status !== 'pending') throw new NotFound('This request was already decided.');
  const d = JSON.parse(row.details) as TroveAttributes;
  await commitOr(
    deps,
    {
      guards: [stillPending(deps, id, consumerId)],
      writes: [deps.store.db.updateTable('grant_requests').set({ status: 'denied', decided_at: deps.clock.now() }).where('id', '=', id)],
      audit: [
        {
          action: 'grant.denied',
          outcome: 'success',
          actor_type: 'consumer',
          actor_id: consumerId,
          consumer_id: consumerId,
          brand_id: row.brand_id,
          attributes: [...d.attributes, ...d.optional_attributes],
          purpose: d.purpose,
          detail: { request: id },
        },
      ],
    },
    decidedMeanwhile,
  );
  return { redirect_to: redirect(row, deps, { error: 'access_denied', error_description: 'The consumer declined the request.' }) };
}

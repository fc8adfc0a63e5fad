// The consumer's view of their grants (active and ended, with read count and last
// read) and one-click revocation, effective for the very next read.
import type { Deps } from '../../deps.ts';
import type { GrantRow } from '../../db/schema.ts';
import { NotFound } from '../../errors.ts';
import { commitOr } from '../audit/commit.ts';
import { CATALOG_BY_NAME } from '../profile/catalog.ts';
import { INTENTS } from './authorization-details.ts';
import { endGrantChange } from './end-grant.ts';
import { grantProblem } from './grant-state.ts';
import { purposeLabel } from './purposes.ts';
import { listReceipts } from './receipts.ts';
import { iso, isoOrNull } from '../iso-time.ts';

function view(g: GrantRow & { brand_name: string; logo_uri: string | null; policy_uri: string | null }, now: number) {
  const problem = grantProblem(g, now);
  return {
    id: g.id,
    brand: { client_id: g.brand_id, name: g.brand_name, logo_uri: g.logo_uri, policy_uri: g.policy_uri },
    status: g.status === 'active' && problem ? problem : g.status,
    attributes: (JSON.parse(g.attributes) as string[]).map((name) => ({
      name,
      label: name === INTENTS ? 'Your published intents' : (CATALOG_BY_NAME.get(name)?.label ?? name),
    })),
    persona: g.persona,
    purpose: { iri: g.purpose, label: purposeLabel(g.purpose) ?? g.purpose, description: g.purpose_description },
    value_promised: g.value_offer ? JSON.parse(g.value_offer) : null,
    // The same names and ISO times as the brand's view of the grant (brand-grants.ts).
    access: g.access,
    retention: g.retention,
    created_at: iso(g.created_at),
    expires_at: iso(g.expires_at),
    revoked_at: isoOrNull(g.revoked_at),
    revoked_by: g.revoked_by,
    read_count: g.read_count,
    last_read_at: isoOrNull(g.last_read_at),
  };
}

function grantsOf(deps: Deps, consumerId: string) {
  return deps.store.db
    .selectFrom('grants')
    .innerJoin('brands', 'brands.id', 'grants.brand_id')
    .selectAll('grants')
    .select(['brands.name as brand_name', 'brands.logo_uri', 'brands.policy_uri'])
    .where('grants.consumer_id', '=', consumerId);
}

export async function listConsumerGrants(deps: Deps, consumerId: string) {
  const rows = await grantsOf(deps, consumerId).orderBy('grants.created_at', 'desc').execute();
  const now = deps.clock.now();
  const all = rows.map((r) => view(r, now));
  return { active: all.filter((g) => g.status === 'active'), ended: all.filter((g) => g.status !== 'active') };
}

export async function consumerGrant(deps: Deps, consumerId: string, id: string) {
  const row = await grantsOf(deps, consumerId).where('grants.id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('No such grant.');
  // The detail lists the grant's signed receipts, so the consumer can download them.
  return { ...view(row, deps.clock.now()), receipts: await listReceipts(deps, id) };
}

export async function revokeGrant(deps: Deps, consumerId: string, id: string, reason = 'consumer_revoked') {
  const g = await consumerGrant(deps, consumerId, id);
  if (g.status !== 'active') return g;
  const row = await deps.store.db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const { receiptId: _r, ...change } = await endGrantChange(deps, row, { status: 'revoked', actor: 'consumer', actorId: consumerId, reason });
  await commitOr(deps, change, () => undefined); // ended concurrently: report its current state
  deps.notify.webhooksQueued();
  return consumerGrant(deps, consumerId, id);
}

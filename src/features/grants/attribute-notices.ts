// grant.attributes_changed: when a consumer changes or deletes attributes that an ongoing
// grant covers, each such brand is sent the names (never the values) in the same commit.
import type { Deps } from '../../deps.ts';
import { queueEvent } from '../webhooks/security-event.ts';

export async function attributeChangeNotices(deps: Deps, consumerId: string, names: string[]) {
  const grants = await deps.store.db
    .selectFrom('grants')
    .innerJoin('brands', 'brands.id', 'grants.brand_id')
    .select(['grants.id', 'grants.subject', 'grants.attributes', 'brands.id as brand_id', 'brands.webhook_url'])
    .where('grants.consumer_id', '=', consumerId)
    .where('grants.status', '=', 'active')
    .where('grants.access', '=', 'ongoing')
    .where('grants.expires_at', '>', deps.clock.now())
    .execute();
  const writes = [];
  for (const g of grants) {
    const covered = (JSON.parse(g.attributes) as string[]).filter((n) => names.includes(n));
    if (!covered.length) continue;
    writes.push(
      ...(await queueEvent(deps, { id: g.brand_id, webhook_url: g.webhook_url }, g.id, 'grant.attributes_changed', g.subject, { attributes: covered })),
    );
  }
  return writes;
}

// Ending a grant, whoever ends it: the status change and every token it issued, a signed
// receipt (on revocation), the SET for the brand's webhook, and the audit event, all as
// one change for one commit, so the brand's notice is stored before anyone is told "done".
import type { FeatureChange } from '../audit/commit.ts';
import type { Deps } from '../../deps.ts';
import type { GrantRow } from '../../db/schema.ts';
import type { ActorType } from '../../db/audit-event.ts';
import { queueEvent } from '../webhooks/security-event.ts';
import { endGrantWrites } from './grant-state.ts';
import { signReceipt } from './receipts.ts';

export type Ending = { status: 'revoked' | 'expired'; actor: ActorType; actorId: string | null; reason: string };

export async function endGrantChange(
  deps: Deps,
  grant: GrantRow,
  ending: Ending,
): Promise<Required<Pick<FeatureChange, 'writes' | 'audit' | 'guards'>> & { receiptId?: string }> {
  const brand = await deps.store.db
    .selectFrom('brands')
    .select(['id', 'name', 'contact', 'homepage', 'policy_uri', 'webhook_url'])
    .where('id', '=', grant.brand_id)
    .executeTakeFirstOrThrow();
  const now = deps.clock.now();
  const receipt = ending.status === 'revoked' ? await signReceipt(deps, grant, brand, 'revoked') : undefined;
  // The brand is not told about its own decision to give a grant up.
  const notice =
    ending.actor === 'brand'
      ? []
      : await queueEvent(deps, brand, grant.id, ending.status === 'revoked' ? 'grant.revoked' : 'grant.expired', grant.subject, {
          reason: ending.reason,
          at: new Date(now).toISOString(),
          attributes: JSON.parse(grant.attributes) as string[],
        });
  return {
    guards: [{ name: 'grant_active', exists: deps.store.db.selectFrom('grants').select('id').where('id', '=', grant.id).where('status', '=', 'active') }],
    writes: [
      ...endGrantWrites(deps, grant.id, ending.status, ending.status === 'revoked' ? ending.actor : null, ending.status === 'revoked' ? ending.reason : null),
      ...(receipt ? [receipt.insert] : []),
      ...notice,
    ],
    audit: [
      {
        action: `grant.${ending.status}`,
        outcome: 'success',
        actor_type: ending.actor,
        actor_id: ending.actorId,
        consumer_id: grant.consumer_id,
        brand_id: grant.brand_id,
        grant_id: grant.id,
        attributes: JSON.parse(grant.attributes) as string[],
        purpose: grant.purpose,
        reason: ending.reason,
        ...(receipt ? { detail: { receipt: receipt.id } } : {}),
      },
    ],
    ...(receipt ? { receiptId: receipt.id } : {}),
  };
}

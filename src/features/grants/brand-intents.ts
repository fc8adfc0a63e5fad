// GET /v1/intents: the open intents of consumers whose active grant to this brand covers
// "intents" for the intent's persona, each under the grant's pairwise sub. Every intent
// handed out is one audit event, committed before the response, with the grants still
// usable at commit time.
import type { Deps } from '../../deps.ts';
import type { AuditEvent } from '../../db/audit-event.ts';
import { GuardFailed } from '../../errors.ts';
import { open } from '../../crypto/aead.ts';
import { fromUtf8 } from '../../crypto/encoding.ts';
import { commitOr } from '../audit/commit.ts';
import { dataKeyFor } from '../profile/data-key.ts';
import { INTENTS } from './authorization-details.ts';
import { grantUsable, tokenNotRevoked, usableGrant } from './grant-state.ts';
import type { Reader } from './read-attributes.ts';

export async function brandIntents(deps: Deps, reader: Reader, onlyGrant?: string, attempt = 1): Promise<{ intents: unknown[] }> {
  const db = deps.store.db;
  const now = deps.clock.now();
  let q = db
    .selectFrom('grants')
    .selectAll()
    .where('brand_id', '=', reader.brandId)
    .where((eb) => usableGrant(eb, now));
  if (onlyGrant) q = q.where('id', '=', onlyGrant);
  const grants = (await q.execute()).filter((g) => (JSON.parse(g.attributes) as string[]).includes(INTENTS));
  const out: Record<string, unknown>[] = [];
  const audit: AuditEvent[] = [];
  for (const g of grants) {
    const rows = await db
      .selectFrom('intents')
      .selectAll()
      .where('consumer_id', '=', g.consumer_id)
      .where('status', '=', 'open')
      .where('persona', '=', g.persona ?? '')
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .execute();
    if (!rows.length) continue;
    const key = await dataKeyFor(deps, g.consumer_id);
    for (const r of rows) {
      const content = JSON.parse(fromUtf8.decode(open(deps.sodium, key, r, `trove:intent:v1|${g.consumer_id}|${r.id}`))) as Record<string, unknown>;
      out.push({
        id: r.id,
        sub: g.subject,
        grant_id: g.id,
        persona: g.persona,
        ...content,
        until: r.expires_at ? new Date(r.expires_at).toISOString() : null,
        published_at: new Date(r.created_at).toISOString(),
      });
      audit.push({
        action: 'intent.read',
        outcome: 'success',
        actor_type: 'brand',
        actor_id: reader.brandId,
        brand_id: reader.brandId,
        consumer_id: g.consumer_id,
        grant_id: g.id,
        attributes: [INTENTS],
        purpose: g.purpose,
        detail: { intent: r.id },
      });
    }
    key.fill(0);
  }
  if (!audit.length) return { intents: [] };
  const usedGrants = [...new Set(audit.map((a) => a.grant_id!))];
  const guards = [tokenNotRevoked(deps, reader.jti), ...usedGrants.map((id) => ({ ...grantUsable(deps, id), name: `grant_usable:${id}` }))];
  const lost = await commitOr(deps, { guards, audit }, (guard) => {
    if (attempt < 3) return 'again' as const;
    throw new GuardFailed(guard);
  });
  // A grant ended between the query and the commit: try again without it.
  if (lost === 'again') return brandIntents(deps, reader, onlyGrant, attempt + 1);
  return { intents: out };
}

// The audited read, Trove's hot path: the grant must be active, unexpired, not
// exhausted and its token unrevoked at commit time; the read (or the denial, with its
// reason) is appended to the audit log in the same commit, before any value leaves.
import type { Deps } from '../../deps.ts';
import type { GrantRow } from '../../db/schema.ts';
import { Forbidden, GuardFailed, NotFound } from '../../errors.ts';
import { commit } from '../audit/commit.ts';
import { readAttributes } from '../profile/attribute-values.ts';
import { INTENTS } from './authorization-details.ts';
import { brandActive, grantProblem, grantUsable, tokenNotRevoked, type DenyReason } from './grant-state.ts';

export type Reader = { brandId: string; jti: string };

async function deny(deps: Deps, reader: Reader, grant: GrantRow, reason: DenyReason): Promise<never> {
  await commit(deps, {
    audit: [{
      action: 'grant.read', outcome: 'denied', actor_type: 'brand', actor_id: reader.brandId, brand_id: reader.brandId,
      consumer_id: grant.consumer_id, grant_id: grant.id, attributes: JSON.parse(grant.attributes) as string[], purpose: grant.purpose, reason,
    }],
  });
  throw new Forbidden(`This grant cannot be read: ${reason.replace('_', ' ')}.`, { reason });
}

async function currentProblem(deps: Deps, reader: Reader, grantId: string): Promise<{ grant: GrantRow; reason: DenyReason | null }> {
  const db = deps.store.db;
  const grant = await db.selectFrom('grants').selectAll().where('id', '=', grantId).executeTakeFirstOrThrow();
  const token = await db.selectFrom('access_tokens').select('revoked_at').where('jti', '=', reader.jti).executeTakeFirst();
  const brand = await db.selectFrom('brands').select('status').where('id', '=', reader.brandId).executeTakeFirst();
  const reason = grantProblem(grant, deps.clock.now())
    ?? (!token || token.revoked_at !== null ? 'token_revoked' : null)
    ?? (brand?.status !== 'active' ? 'brand_disabled' : null);
  return { grant, reason };
}

export async function readGrant(deps: Deps, reader: Reader, grantId: string) {
  const first = await deps.store.db.selectFrom('grants').select(['id', 'brand_id']).where('id', '=', grantId).executeTakeFirst();
  // Another brand's grant does not exist, as far as this brand can tell.
  if (!first || first.brand_id !== reader.brandId) throw new NotFound('No such grant.');
  const { grant, reason } = await currentProblem(deps, reader, grantId);
  if (reason) return deny(deps, reader, grant, reason);

  const names = (JSON.parse(grant.attributes) as string[]).filter((n) => n !== INTENTS);
  const values = await readAttributes(deps, grant.consumer_id, names);
  const persona = grant.persona ?? '';
  const out: Record<string, unknown> = {};
  for (const name of names) {
    const v = values.find((x) => x.name === name && x.persona === persona) ?? values.find((x) => x.name === name && x.persona === '');
    if (v) out[name] = JSON.parse(v.value);
  }
  const db = deps.store.db;
  const now = deps.clock.now();
  try {
    await commit(deps, {
      guards: [grantUsable(deps, grant.id), tokenNotRevoked(deps, reader.jti), brandActive(deps, reader.brandId)],
      writes: [db.updateTable('grants').set((eb) => ({
        read_count: eb('read_count', '+', 1),
        last_read_at: now,
        ...(grant.access === 'once' ? { status: 'exhausted' as const, updated_at: now } : {}),
      })).where('id', '=', grant.id)],
      audit: [{
        action: 'grant.read', outcome: 'success', actor_type: 'brand', actor_id: reader.brandId, brand_id: reader.brandId,
        consumer_id: grant.consumer_id, grant_id: grant.id, attributes: Object.keys(out), purpose: grant.purpose,
      }],
    });
  } catch (err) {
    if (!(err instanceof GuardFailed)) throw err;
    // The grant changed between our check and the commit (e.g. revoked a moment ago).
    const again = await currentProblem(deps, reader, grantId);
    return deny(deps, reader, again.grant, again.reason ?? 'revoked');
  }
  return {
    sub: grant.subject, grant_id: grant.id, persona: grant.persona, attributes: out,
    missing: names.filter((n) => !(n in out)),
  };
}

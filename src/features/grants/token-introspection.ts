// RFC 7009 revocation and RFC 7662 introspection of Trove's tokens, for the brand that
// holds them. Revoking a refresh token ends its whole family; revoking an access token
// ends that token. Another brand's token is reported inactive and left alone.
import type { Deps } from '../../deps.ts';
import type { BrandRow } from '../../db/schema.ts';
import { hashSecret } from '../../crypto/hash.ts';
import { commit } from '../audit/commit.ts';
import { verifyAccessToken } from './access-token.ts';
import { grantProblem, revokeFamilyWrites } from './grant-state.ts';

export async function revokeToken(deps: Deps, brand: BrandRow, token: string): Promise<void> {
  const db = deps.store.db;
  const refresh = await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hashSecret(token)).executeTakeFirst();
  if (refresh && refresh.brand_id === brand.id) {
    await commit(deps, {
      writes: revokeFamilyWrites(deps, refresh.family_id),
      audit: [
        {
          action: 'token.revoked',
          outcome: 'success',
          actor_type: 'brand',
          actor_id: brand.id,
          brand_id: brand.id,
          grant_id: refresh.grant_id,
          detail: { token_type: 'refresh_token' },
        },
      ],
    });
    return;
  }
  const claims = await verifyAccessToken(deps, token, { allowExpired: true });
  if (claims && claims.client_id === brand.id) {
    await commit(deps, {
      writes: [db.updateTable('access_tokens').set({ revoked_at: deps.clock.now() }).where('jti', '=', claims.jti).where('revoked_at', 'is', null)],
      audit: [
        {
          action: 'token.revoked',
          outcome: 'success',
          actor_type: 'brand',
          actor_id: brand.id,
          brand_id: brand.id,
          grant_id: claims.grant_id ?? null,
          detail: { token_type: 'access_token' },
        },
      ],
    });
  }
}

export async function introspectToken(deps: Deps, brand: BrandRow, token: string): Promise<Record<string, unknown>> {
  const db = deps.store.db;
  const now = deps.clock.now();
  const grantOk = async (grantId: string | undefined) => {
    if (!grantId) return true;
    const grant = await db.selectFrom('grants').selectAll().where('id', '=', grantId).executeTakeFirst();
    return Boolean(grant && !grantProblem(grant, now));
  };
  const refresh = await db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', hashSecret(token)).executeTakeFirst();
  if (refresh) {
    if (
      refresh.brand_id !== brand.id ||
      refresh.rotated_at !== null ||
      refresh.revoked_at !== null ||
      refresh.expires_at <= now ||
      !(await grantOk(refresh.grant_id))
    ) {
      return { active: false };
    }
    const grant = await db.selectFrom('grants').select('subject').where('id', '=', refresh.grant_id).executeTakeFirstOrThrow();
    return {
      active: true,
      token_type: 'refresh_token',
      client_id: brand.id,
      sub: grant.subject,
      grant_id: refresh.grant_id,
      exp: Math.floor(refresh.expires_at / 1000),
      iss: deps.config.origin,
    };
  }
  const claims = await verifyAccessToken(deps, token);
  if (!claims || claims.client_id !== brand.id) return { active: false };
  const row = await db.selectFrom('access_tokens').select('revoked_at').where('jti', '=', claims.jti).executeTakeFirst();
  if (!row || row.revoked_at !== null || !(await grantOk(claims.grant_id))) return { active: false };
  return { active: true, token_type: 'Bearer', iss: deps.config.origin, aud: deps.config.origin, ...claims };
}

// A brand's access token on the data API (/v1/…): Authorization: Bearer <JWT>. Without
// one: 401 with the bare RFC 6750 challenge; a token that does not verify, or (for
// brand-token routes) is revoked or whose brand is disabled: 401 invalid_token with the
// challenge. Reads (brand-grant-token) check liveness at their own commit instead, so a
// refused read is audited with its reason.
import type { Context } from 'hono';
import type { Deps } from '../../deps.ts';
import { BRAND_REALM, InvalidToken, MissingToken } from '../../errors.ts';
import { verifyAccessToken, type AccessClaims } from '../../features/grants/access-token.ts';

/** The token is still listed unrevoked and its brand is active (a disabled brand's tokens die with it). */
async function live(deps: Deps, claims: AccessClaims): Promise<boolean> {
  const row = await deps.store.db
    .selectFrom('access_tokens')
    .innerJoin('brands', 'brands.id', 'access_tokens.brand_id')
    .select(['access_tokens.revoked_at', 'brands.status'])
    .where('access_tokens.jti', '=', claims.jti)
    .where('access_tokens.brand_id', '=', claims.client_id)
    .executeTakeFirst();
  return row !== undefined && row.revoked_at === null && row.status === 'active';
}

export async function brandToken(deps: Deps, c: Context, opts: { checkedAtCommit: boolean }): Promise<{ token: AccessClaims }> {
  const header = c.req.header('authorization');
  if (header === undefined || header === '') throw new MissingToken(BRAND_REALM, 'Send an access token: Authorization: Bearer <token>.');
  const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  const claims = m ? await verifyAccessToken(deps, m[1]!) : null;
  if (!claims || (!opts.checkedAtCommit && !(await live(deps, claims)))) {
    throw new InvalidToken(BRAND_REALM, 'The access token is invalid, expired or revoked, or its brand is disabled.');
  }
  return { token: claims };
}

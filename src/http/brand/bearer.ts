// Bearer authentication for the brand data API (/v1/…): a valid Trove access token,
// not revoked, of an active brand. Attribute reads re-check all of this (and the grant)
// as guards of their own commit, so the hot path skips the extra lookup here.
import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.ts';
import { TroveError } from '../../errors.ts';
import { verifyAccessToken, type AccessClaims } from '../../features/grants/access-token.ts';

export type BrandEnv = { Variables: { requestId: string; token: AccessClaims } };

class InvalidToken extends TroveError {
  constructor(detail: string) {
    super(401, 'invalid-token', 'Invalid access token', detail);
  }
}

/** The token is still listed unrevoked and its brand is active (a disabled brand's tokens die with it). */
async function live(deps: Deps, claims: AccessClaims): Promise<boolean> {
  const row = await deps.store.db.selectFrom('access_tokens')
    .innerJoin('brands', 'brands.id', 'access_tokens.brand_id')
    .select(['access_tokens.revoked_at', 'brands.status'])
    .where('access_tokens.jti', '=', claims.jti).where('access_tokens.brand_id', '=', claims.client_id).executeTakeFirst();
  return row !== undefined && row.revoked_at === null && row.status === 'active';
}

export function bearer(deps: Deps, opts: { checkedAtCommit?: boolean } = {}): MiddlewareHandler<BrandEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
    if (!m) {
      c.header('www-authenticate', 'Bearer realm="trove"');
      throw new InvalidToken('Send an access token: Authorization: Bearer <token>.');
    }
    const claims = await verifyAccessToken(deps, m[1]!);
    if (!claims || (!opts.checkedAtCommit && !(await live(deps, claims)))) {
      c.header('www-authenticate', 'Bearer realm="trove", error="invalid_token"');
      throw new InvalidToken('The access token is invalid, expired or revoked, or its brand is disabled.');
    }
    c.set('token', claims);
    await next();
  };
}

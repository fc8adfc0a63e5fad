// Bearer authentication for the brand data API (/v1/…): a valid Trove access token
// of an active brand. Whether the grant behind it is still usable is checked by each
// read at commit time, not here.
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

export function bearer(deps: Deps): MiddlewareHandler<BrandEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
    if (!m) {
      c.header('www-authenticate', 'Bearer realm="trove"');
      throw new InvalidToken('Send an access token: Authorization: Bearer <token>.');
    }
    const claims = await verifyAccessToken(deps, m[1]!);
    if (!claims) {
      c.header('www-authenticate', 'Bearer realm="trove", error="invalid_token"');
      throw new InvalidToken('The access token is invalid or expired.');
    }
    c.set('token', claims);
    await next();
  };
}

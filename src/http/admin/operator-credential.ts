// Who may use the operator API (/admin/…): Authorization: Bearer <operator token>, a
// stored token (trove operator token create) or the configured TROVE_OPERATOR_TOKEN.
// A refused attempt is audited (operator.authenticated, denied: the route, never the
// token) and counted per address; past the failure budget the address gets 429 without
// further work or audit events, so guessing and log flooding both stop.
import type { Context } from 'hono';
import type { Deps } from '../../deps.ts';
import { InvalidToken, MissingToken } from '../../errors.ts';
import { commit } from '../../features/audit/commit.ts';
import { operatorByToken, type Operator } from '../../features/operators/tokens.ts';
import { limitCredentialFailures } from '../rate-limit.ts';

export const OPERATOR_REALM = 'trove-admin';

export async function operatorCredential(deps: Deps, c: Context, path: string, ip: string): Promise<{ operator: Operator }> {
  return limitCredentialFailures(deps, `operator-from:${ip}`, async () => {
    const header = c.req.header('authorization');
    const m = header ? /^Bearer (\S+)$/i.exec(header) : null;
    const operator = m ? await operatorByToken(deps, m[1]!) : null;
    if (operator) return { operator };
    await commit(deps, {
      audit: [
        {
          action: 'operator.authenticated',
          outcome: 'denied',
          actor_type: 'operator',
          actor_id: null,
          reason: header ? 'invalid_token' : 'no_token',
          detail: { method: c.req.method, route: path },
        },
      ],
    });
    if (!header) throw new MissingToken(OPERATOR_REALM, 'Send an operator token: Authorization: Bearer <token> (trove operator token create).');
    throw new InvalidToken(OPERATOR_REALM, 'The operator token is invalid or revoked.');
  });
}

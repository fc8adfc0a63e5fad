// The operator API for its own credentials (/admin/operator-tokens): an operator holding
// a token (on Workers, the TROVE_OPERATOR_TOKEN secret) may issue named tokens for others
// (shown in this answer only), list them and revoke one, as `trove operator token` does.
import { z } from 'zod';
import { operatorQueried } from '../../features/operators/acting-operator.ts';
import { createOperatorToken, listOperatorTokens, revokeOperatorToken } from '../../features/operators/tokens.ts';
import { route, type Route } from '../route.ts';

const idParams = z.object({ id: z.string().min(1).max(200) });

export const adminOperatorTokenRoutes: Route[] = [
  route({
    method: 'post',
    path: '/admin/operator-tokens',
    tag: 'Operator API',
    auth: 'operator',
    body: z.strictObject({ name: z.string().min(1).max(100).optional() }),
    ok: 201,
    summary: 'Create a named operator token; the token is shown in this answer only (Trove keeps its hash)',
    handler: async ({ deps, c, body }) => {
      c.header('cache-control', 'no-store');
      return c.json(await createOperatorToken(deps, body), 201);
    },
  }),
  route({
    method: 'get',
    path: '/admin/operator-tokens',
    tag: 'Operator API',
    auth: 'operator',
    summary: 'The stored operator tokens (ids, names, status; never the tokens)',
    handler: async ({ deps, c }) => {
      await operatorQueried(deps, 'operator_tokens');
      return c.json(await listOperatorTokens(deps));
    },
  }),
  route({
    method: 'post',
    path: '/admin/operator-tokens/{id}/revoke',
    tag: 'Operator API',
    auth: 'operator',
    params: idParams,
    summary: 'Revoke an operator token: refused from the next call on',
    handler: async ({ deps, c, params }) => {
      await revokeOperatorToken(deps, params.id);
      return c.json({ id: params.id, status: 'revoked' });
    },
  }),
];

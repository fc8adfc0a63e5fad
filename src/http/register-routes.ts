// Registers every route table entry on the app, each behind the same named steps in the
// same order, so what guards a route is exactly what its entry declares and the order in
// which entries are registered means nothing:
//   1. limit      the entry's per-address rate limit (a flood is refused before any work)
//   2. session    the portal's session cookie, for /api/… and the auditor API
//   3. csrf       state-changing /api/… calls: same origin, and the session's CSRF token;
//                 then JSON only (415)
//   4. auth       the entry's auth kind (client authentication waits for the form, step 5)
//   5. input      params, query, JSON body or form, each checked by the entry's schema
//   6. step-up    consumer-step-up: the body's `step_up` assertion, then freshness
//   7. handler    one service call and the answer
import type { Context, Hono } from 'hono';
import type { z } from 'zod';
import type { Deps } from '../deps.ts';
import { BadRequest, OAuthError } from '../errors.ts';
import { authenticateClient } from '../features/brands/client-auth.ts';
import { resolveSession } from '../features/identity/sessions.ts';
import { actingAs } from '../features/operators/acting-operator.ts';
import type { Operator } from '../features/operators/tokens.ts';
import { operatorCredential } from './admin/operator-credential.ts';
import { auditorCredential } from './auth/auditor-credential.ts';
import { brandToken } from './auth/bearer-token.ts';
import { consumerSession, steppedUpSession } from './auth/consumer-session.ts';
import type { AppEnv } from './context.ts';
import { checkCsrf } from './csrf.ts';
import { requireJsonType } from './json-body.ts';
import { checkForm } from './oauth/form-schemas.ts';
import { oauthForm } from './oauth/form.ts';
import { limitByIp, type ClientIp } from './rate-limit.ts';
import { honoPath, type Route } from './route.ts';
import { sessionCookieValue } from './session-cookie.ts';
import { checked } from './validate.ts';

export function registerRoutes(app: Hono<AppEnv>, deps: Deps, routes: readonly Route[], clientIp: ClientIp) {
  for (const r of routes) app.on(r.method.toUpperCase(), honoPath(r.path), (c) => run(deps, r, c, clientIp));
}

const usesSession = (r: Route) => r.path.startsWith('/api/') || r.auth === 'auditor' || r.auth === 'auditor-session';

async function run(deps: Deps, r: Route, c: Context<AppEnv>, clientIp: ClientIp): Promise<Response> {
  if (r.limit) await limitByIp(deps, r.limit, clientIp(c) ?? 'unknown', c.req.method);
  c.set('session', usesSession(r) ? await resolveSession(deps, sessionCookieValue(c, deps)) : null);
  if (r.path.startsWith('/api/')) {
    checkCsrf(deps, c);
    requireJsonType(c.req.method, c.req.header('content-type'));
  }
  let auth = await authenticate(deps, r, c, clientIp);
  const input = await readInput(r, c);
  if (r.auth === 'client') {
    const brand = await authenticateClient(deps, { authorization: c.req.header('authorization'), form: input.raw! }, { endpoint: r.path, limit: r.limit });
    auth = { brand };
    checkForm(r.form!, input.raw!);
    input.form = input.raw;
  }
  if (r.auth === 'consumer-step-up') auth = await steppedUpSession(c, deps, input.body);
  const call = (d: Deps) =>
    r.handler({
      deps: d,
      c,
      auth: auth as never,
      params: input.params as never,
      query: input.query as never,
      body: input.body as never,
      form: input.form as never,
    });
  // An operator's call commits in the operator's name, and is audited even when it changed nothing (acting-operator.ts).
  if (r.auth === 'operator') return actingAs(deps, (auth as { operator: Operator }).operator, `${r.method.toUpperCase()} ${r.path}`, call);
  return call(deps);
}

async function authenticate(deps: Deps, r: Route, c: Context<AppEnv>, clientIp: ClientIp): Promise<unknown> {
  switch (r.auth) {
    case 'none':
      return { session: c.get('session') };
    case 'consumer':
    case 'consumer-step-up':
      return consumerSession(c);
    case 'brand-token':
      return brandToken(deps, c, { checkedAtCommit: false });
    case 'brand-grant-token':
      return brandToken(deps, c, { checkedAtCommit: true });
    case 'auditor':
    case 'auditor-session':
      return auditorCredential(deps, c, { sessionOnly: r.auth === 'auditor-session' });
    case 'client':
      return undefined; // needs the form: after step 5
    case 'operator':
      return operatorCredential(deps, c, r.path, clientIp(c) ?? 'unknown');
  }
}

type Input = { params?: unknown; query?: unknown; body?: unknown; form?: unknown; raw?: Record<string, string | undefined> };

async function readInput(r: Route, c: Context<AppEnv>): Promise<Input> {
  const oauth = r.path.startsWith('/oauth/');
  const check = (schema: z.ZodType, value: unknown, where: string) => {
    if (!oauth) return checked(schema, value, where);
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    throw new OAuthError('invalid_request', `${[where, ...issue.path.map(String)].join('.')}: ${issue.message}`);
  };
  const input: Input = {};
  if (r.params) input.params = check(r.params, c.req.param(), 'path');
  if (r.query) input.query = check(r.query, c.req.query(), 'query');
  if (r.body) input.body = check(r.body, await jsonOf(c), '');
  if (r.form) input.raw = await oauthForm(c);
  return input;
}

/** The JSON body (its syntax already checked by json-body.ts); no body at all reads as {}. */
async function jsonOf(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text.length) return {};
  if (!/^application\/([\w.+-]+\+)?json\b/i.test(c.req.header('content-type') ?? '')) throw new BadRequest('Send the body as application/json.');
  return JSON.parse(text) as unknown;
}

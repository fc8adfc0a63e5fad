// Every route in the route table × every role, with the outcome its declared auth implies.
// The router must serve exactly the table, and the answers must not depend on the order
// in which the table is registered.
// Outcomes: ok (got past authentication and authorisation: 2xx, 3xx or a 4xx about the
// input), denied (401/403), hidden (404: the resource is not this caller's to see).
import { advanceLog } from '../../src/features/audit/log-checkpoint.ts';
import { makeOffer } from '../../src/features/market/offers.ts';
import { createIntent } from '../../src/features/profile/intents.ts';
import { proffer } from '../../src/features/terms/consumer-terms.ts';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { honoPath, type Route } from '../../src/http/route.ts';
import { ROUTES } from '../../src/http/routes.ts';
import { addAuditor } from '../../src/features/auditors/accounts.ts';
import { createOperatorToken } from '../../src/features/operators/tokens.ts';
import { disableBrand } from '../../src/features/brands/register-brand.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { csrfTokenFor, newSession } from '../../src/features/identity/sessions.ts';
import { REDIRECT, secretBrand, shoeDetails } from '../helpers/brands.ts';
import { signedInConsumer } from '../helpers/consumer.ts';
import { testDeps } from '../helpers/deps.ts';
import { basic, form, par, requestId, tokensFor, type SecretClient } from '../helpers/raw-oauth.ts';

type Outcome = 'ok' | 'denied' | 'hidden';
const ROLES = ['anonymous', 'consumerB', 'brandX', 'brandY', 'auditorScoped', 'auditorAll', 'disabledBrand', 'consumerA', 'operator'] as const;
type Role = (typeof ROLES)[number];
type Profile = Record<Role, Outcome>;

const all = (o: Outcome): Profile => Object.fromEntries(ROLES.map((r) => [r, o])) as Profile;
const P = {
  public: all('ok'),
  /** A's own resource (by id or name): B gets 404, nobody else gets in. */
  consumerOwn: { ...all('denied'), consumerA: 'ok', consumerB: 'hidden' },
  /** Any signed-in consumer, about themselves. */
  consumerSelf: { ...all('denied'), consumerA: 'ok', consumerB: 'ok' },
  /** An authenticated, active brand (OAuth client auth or access token). */
  brand: { ...all('denied'), brandX: 'ok', brandY: 'ok' },
  /** X's grant: X may, Y is told it does not exist, everyone else is refused. */
  brandOwnGrant: { ...all('denied'), brandX: 'ok', brandY: 'hidden' },
  /** Needs a token bound to a grant (Y holds only a brand-level token). */
  brandWithGrant: { ...all('denied'), brandX: 'ok' },
  auditor: { ...all('denied'), auditorScoped: 'ok', auditorAll: 'ok' },
} satisfies Record<string, Profile>;

/** What each route's declared auth (and whether its path names the caller's own resource)
 *  means for each role: the matrix is derived from the route table, not kept beside it. */
function profileOf(r: Route): Profile {
  switch (r.auth) {
    case 'none':
      return P.public;
    case 'consumer':
    case 'consumer-step-up':
      return r.owned ? P.consumerOwn : P.consumerSelf;
    case 'brand-token':
      return r.owned ? P.brandOwnGrant : P.brand;
    case 'brand-grant-token':
      return r.owned ? P.brandOwnGrant : P.brandWithGrant;
    case 'client':
      return P.brand;
    case 'auditor':
    case 'auditor-session':
      return P.auditor;
    case 'operator':
      return { ...all('denied'), operator: 'ok' };
  }
}

const EXPECTED: Record<string, Profile> = Object.fromEntries(ROUTES.map((r) => [`${r.method.toUpperCase()} ${honoPath(r.path)}`, profileOf(r)]));

type Creds = { cookie?: string; csrf?: string; bearer?: string; basic?: string };

async function world(routes: readonly Route[] = ROUTES) {
  const deps = await testDeps();
  const app = createApp(deps, { routes });
  const a = await signedInConsumer(deps, app);
  const b = await signedInConsumer(deps, app);
  for (const c of [a, b]) await c.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'm@example.com' } });
  await a.call('/api/me/personas', { method: 'POST', json: { name: 'work', label: 'Work' } });
  const intent = await (await a.call('/api/me/intents', { method: 'POST', json: { text: 'Boots', persona: 'work' } })).json();
  await deps.store.db
    .insertInto('passkeys')
    .values({
      id: 'pk-a',
      consumer_id: a.consumerId,
      public_key: 'AA',
      counter: 0,
      transports: '[]',
      name: 'A key',
      device_type: null,
      backed_up: 0,
      created_at: 0,
      last_used_at: null,
    })
    .execute();
  const x = await secretBrand(deps, 'X');
  const y = await secretBrand(deps, 'Y');
  const z = await secretBrand(deps, 'Z');
  const ax = (await tokensFor(app, x, a)) as { access_token: string; grant_id: string; receipt_id: string };
  const yToken = (await (await form(app, '/oauth/token', y, { grant_type: 'client_credentials' })).json()).access_token as string;
  const az = await tokensFor(app, z, a);
  await disableBrand(deps, z.clientId);
  // A pending request from X for the consent routes: the first consumer to open it owns it.
  const pending = requestId((await (await par(app, x)).res.json()).request_uri);
  await a.call(`/api/me/requests/${pending}`);
  const auditorFor = async (brands?: string[]) => {
    const au = await addAuditor(deps, { name: 'au', brands });
    const s = newSession(deps, 'auditor', au.id, { credential: 'auditor-test-key' });
    await commit(deps, { writes: [s.insert] });
    return { bearer: au.token, cookie: `trove_session=${s.rawId}`, csrf: csrfTokenFor(deps, s.rawId) };
  };
  const creds: Record<Role, Creds> = {
    anonymous: {},
    consumerA: { cookie: a.cookie, csrf: a.csrf },
    consumerB: { cookie: b.cookie, csrf: b.csrf },
    brandX: { bearer: ax.access_token, basic: basic(x) },
    brandY: { bearer: yToken, basic: basic(y) },
    auditorScoped: await auditorFor([y.clientId]),
    auditorAll: await auditorFor(),
    disabledBrand: { bearer: az.access_token, basic: basic(z as SecretClient) },
    operator: { bearer: (await createOperatorToken(deps, { name: 'matrix' })).token },
  };
  const aSession = await deps.store.db.selectFrom('sessions').select('public_id').where('subject_id', '=', a.consumerId).executeTakeFirstOrThrow();
  const shared = await deps.store.db
    .selectFrom('audit_events')
    .select('id')
    .where('grant_id', '=', ax.grant_id)
    .where('consumer_id', '=', a.consumerId)
    .where('brand_id', '=', x.clientId)
    .executeTakeFirstOrThrow();
  // The market: A's terms, two market intents, and brand X's offer on each (one to accept, one to decline).
  await proffer(deps, a.consumerId, { term: 'sd-base' });
  await deps.store.db
    .updateTable('brands')
    .set({ accepted_terms: JSON.stringify(['sd-base']) })
    .where('id', '=', x.clientId)
    .execute();
  const market = [];
  for (const text of ['Trail shoes', 'Rain coat']) {
    const mi = await createIntent(deps, a.consumerId, { text, market: true });
    const offer = await makeOffer(deps, x.clientId, mi.market!.id, {
      offer: { kind: 'discount', description: '10% off' },
      // An offer's request carries no value of its own: the offer is what it promises.
      request: { ...(shoeDetails({ value: undefined })[0] as Record<string, unknown>), agreement: 'sd-base' } as never,
      redirect_uri: REDIRECT,
      code_challenge: 'A'.repeat(43),
      expires_at: new Date(deps.clock.now() + 24 * 3600_000).toISOString(),
    });
    market.push({ intent: mi.id, offer: offer.id });
  }
  await advanceLog(deps); // the proofs and the public checkpoint need a signed checkpoint
  const ids: Record<string, string> = {
    '/api/me/sessions/:id': aSession.public_id,
    '/api/me/grants/:id': ax.grant_id,
    '/api/me/grants/:id/revoke': ax.grant_id,
    '/api/me/receipts/:id': ax.receipt_id,
    '/api/me/intents/:id': intent.id,
    '/api/me/passkeys/:id': 'pk-a',
    '/api/me/requests/:id': pending,
    '/api/me/requests/:id/approve': pending,
    '/api/me/requests/:id/deny': pending,
    // An event about consumer A and brand X's grant: A's to prove, and X's.
    '/api/me/activity/:id/proof': shared.id,
    '/v1/audit-events/:id/proof': shared.id,
    '/v1/brands/:id': x.clientId,
    '/v1/offers/:id': market[0]!.offer,
    '/v1/intents/:id/offers': 'no-such-intent',
    '/api/me/intents/:id/offers': market[0]!.intent,
    '/api/me/offers/:id/accept': market[0]!.offer,
    '/api/me/offers/:id/decline': market[1]!.offer,
    '/admin/brands/:id': x.clientId,
    '/admin/brands/:id/disable': z.clientId,
    '/admin/auditors/:id/revoke': (await addAuditor(deps, { name: 'to revoke' })).id,
    '/admin/auditors/:id/enrol-link': (await addAuditor(deps, { name: 'to enrol' })).id,
    '/admin/operator-tokens/:id/revoke': (await createOperatorToken(deps, { name: 'to revoke' })).id,
  };
  return { app, creds, ids, grantX: ax.grant_id };
}

function urlFor(path: string, w: Awaited<ReturnType<typeof world>>): string {
  const id = w.ids[path] ?? w.grantX;
  return path.replace(':id', id).replace(':name', path.includes('personas') ? 'work' : 'email');
}

function requestInit(method: string, path: string, c: Creds): RequestInit {
  const headers: Record<string, string> = {};
  if (c.cookie) headers.cookie = c.cookie;
  if (c.csrf) headers['x-csrf-token'] = c.csrf;
  if (path.startsWith('/oauth/')) {
    if (c.basic) headers.authorization = c.basic;
    if (method === 'POST') {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      return { method, headers, body: 'token=x' };
    }
  } else if (c.bearer && (path.startsWith('/v1/') || path.startsWith('/api/auditor') || path.startsWith('/admin/')))
    headers.authorization = `Bearer ${c.bearer}`;
  if (method !== 'GET' && method !== 'HEAD') {
    headers['content-type'] = 'application/json';
    const body = path.endsWith('/value')
      ? { kind: 'discount', description: 'x' }
      : path.includes('/passkeys/') && method === 'PATCH'
        ? { name: 'Renamed' }
        : {};
    return { method, headers, body: JSON.stringify(body) };
  }
  return { method, headers };
}

const outcome = (status: number): Outcome => (status === 401 || status === 403 ? 'denied' : status === 404 ? 'hidden' : 'ok');

describe('authorization matrix', () => {
  it('serves exactly the route table: no route outside it, no entry without a route', async () => {
    const w = await world();
    const served = [...new Set(w.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))].sort();
    expect(served).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [order, routes] of [
    ['in table order', ROUTES],
    ['registered in reverse order', [...ROUTES].reverse()],
  ] as const) {
    it(`answers every route × role as its declared auth says, ${order}`, async () => {
      const mismatches: string[] = [];
      let cells = 0;
      for (const route of Object.keys(EXPECTED)) {
        const [method, path] = route.split(' ') as [string, string];
        const w = await world(routes); // a fresh world per route: some cells erase, revoke or log out
        for (const role of ROLES) {
          const res = await w.app.request(urlFor(path, w), requestInit(method, path, w.creds[role]));
          expect(res.status, `${route} as ${role}`).toBeLessThan(500);
          const got = outcome(res.status);
          cells += 1;
          if (got !== EXPECTED[route]![role])
            mismatches.push(`${route} as ${role}: expected ${EXPECTED[route]![role]}, got ${res.status} ${(await res.text()).slice(0, 120)}`);
        }
      }
      console.log(`authorization matrix (${order}): ${Object.keys(EXPECTED).length} routes × ${ROLES.length} roles = ${cells} cells`);
      expect(mismatches).toEqual([]);
    }, 300_000);
  }
});

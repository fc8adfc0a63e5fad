// Every route the router serves × every role, with the expected outcome. Routes come
// from the router itself, so a new route without an entry in EXPECTED fails this test.
// Outcomes: ok (got past authentication and authorisation: 2xx, 3xx or a 4xx about the
// input), denied (401/403), hidden (404: the resource is not this caller's to see).
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { addAuditor } from '../../src/features/auditors/accounts.ts';
import { disableBrand } from '../../src/features/brands/register-brand.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { csrfTokenFor, newSession } from '../../src/features/identity/sessions.ts';
import { secretBrand } from '../helpers/brands.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { testDeps } from '../helpers/deps.ts';
import { basic, form, par, requestId, tokensFor, type SecretClient } from '../helpers/raw-oauth.ts';

type Outcome = 'ok' | 'denied' | 'hidden';
const ROLES = ['anonymous', 'consumerB', 'brandX', 'brandY', 'auditorScoped', 'auditorAll', 'disabledBrand', 'consumerA'] as const;
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

const EXPECTED: Record<string, Profile> = {
  'GET /healthz': P.public,
  'GET /.well-known/jwks.json': P.public,
  'GET /.well-known/oauth-authorization-server': P.public,
  'GET /openapi.json': P.public,
  'GET /docs': P.public,
  'POST /oauth/par': P.brand,
  'GET /oauth/authorize': P.public,
  'POST /oauth/token': P.brand,
  'POST /oauth/revoke': P.brand,
  'POST /oauth/introspect': P.brand,
  'GET /v1/attributes': P.brandWithGrant,
  'GET /v1/grants': P.brand,
  'GET /v1/grants/:id': P.brandOwnGrant,
  'DELETE /v1/grants/:id': P.brandOwnGrant,
  'GET /v1/grants/:id/attributes': P.brandOwnGrant,
  'POST /v1/grants/:id/value': P.brandOwnGrant,
  'GET /v1/grants/:id/receipt': P.brandOwnGrant,
  'GET /v1/intents': P.brand,
  'GET /v1/webhooks/deliveries': P.brand,
  'POST /api/passkeys/register/options': P.public,
  'POST /api/passkeys/register/verify': P.public,
  'POST /api/passkeys/login/options': P.public,
  'POST /api/passkeys/login/verify': P.public,
  'POST /api/recovery/login': P.public,
  'POST /api/session/logout': P.public,
  'GET /api/catalog/attributes': P.public,
  'GET /api/me': P.consumerSelf,
  'DELETE /api/me': P.consumerSelf,
  'GET /api/me/export': P.consumerSelf,
  'GET /api/me/attributes': P.consumerSelf,
  'PUT /api/me/attributes/:name': P.consumerSelf,
  'DELETE /api/me/attributes/:name': P.consumerSelf,
  'GET /api/me/personas': P.consumerSelf,
  'POST /api/me/personas': P.consumerSelf,
  'DELETE /api/me/personas/:name': P.consumerOwn,
  'GET /api/me/intents': P.consumerSelf,
  'POST /api/me/intents': P.consumerSelf,
  'GET /api/me/intents/:id': P.consumerOwn,
  'DELETE /api/me/intents/:id': P.consumerOwn,
  'GET /api/me/passkeys': P.consumerSelf,
  'PATCH /api/me/passkeys/:id': P.consumerOwn,
  'DELETE /api/me/passkeys/:id': P.consumerOwn,
  'POST /api/me/recovery-codes': P.consumerSelf,
  'POST /api/me/backup-prompt/dismiss': P.consumerSelf,
  'GET /api/me/sessions': P.consumerSelf,
  'DELETE /api/me/sessions/:id': P.consumerOwn,
  'POST /api/me/sessions/revoke-others': P.consumerSelf,
  'POST /api/me/step-up/options': P.consumerSelf,
  'POST /api/me/step-up/verify': P.consumerSelf,
  'GET /api/me/requests/:id': P.consumerOwn,
  'POST /api/me/requests/:id/approve': P.consumerOwn,
  'POST /api/me/requests/:id/deny': P.consumerOwn,
  'GET /api/me/grants': P.consumerSelf,
  'GET /api/me/grants/:id': P.consumerOwn,
  'POST /api/me/grants/:id/revoke': P.consumerOwn,
  'GET /api/me/receipts/:id': P.consumerOwn,
  'GET /api/me/value': P.consumerSelf,
  'GET /api/me/activity': P.consumerSelf,
  'POST /api/auditor/enrol/options': P.public,
  'POST /api/auditor/enrol/verify': P.public,
  'POST /api/auditor/login/options': P.public,
  'POST /api/auditor/login/verify': P.public,
  'GET /api/auditor/me': P.auditor,
  'GET /v1/audit/events': P.auditor,
  'GET /v1/audit/export': P.auditor,
  'GET /v1/audit/checkpoints': P.auditor,
  'GET /v1/audit/verify': P.auditor,
};

type Creds = { cookie?: string; csrf?: string; bearer?: string; basic?: string };

async function world() {
  const deps = await testDeps();
  const app = createApp(deps);
  const a = await signedInConsumer(deps, app);
  const b = await signedInConsumer(deps, app);
  for (const c of [a, b]) await c.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'm@example.com' } });
  await a.call('/api/me/personas', { method: 'POST', json: { name: 'work', label: 'Work' } });
  const intent = await (await a.call('/api/me/intents', { method: 'POST', json: { text: 'Boots', persona: 'work' } })).json();
  await deps.store.db.insertInto('passkeys').values({ id: 'pk-a', consumer_id: a.consumerId, public_key: 'AA', counter: 0, transports: '[]', name: 'A key', device_type: null, backed_up: 0, created_at: 0, last_used_at: null }).execute();
  const x = await secretBrand(deps, 'X');
  const y = await secretBrand(deps, 'Y');
  const z = await secretBrand(deps, 'Z');
  const ax = await tokensFor(app, x, a) as { access_token: string; grant_id: string; receipt_id: string };
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
  };
  const aSession = await deps.store.db.selectFrom('sessions').select('public_id').where('subject_id', '=', a.consumerId).executeTakeFirstOrThrow();
  const ids: Record<string, string> = {
    '/api/me/sessions/:id': aSession.public_id,
    '/api/me/grants/:id': ax.grant_id, '/api/me/grants/:id/revoke': ax.grant_id, '/api/me/receipts/:id': ax.receipt_id,
    '/api/me/intents/:id': intent.id, '/api/me/passkeys/:id': 'pk-a', '/api/me/requests/:id': pending,
    '/api/me/requests/:id/approve': pending, '/api/me/requests/:id/deny': pending,
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
  } else if (c.bearer && (path.startsWith('/v1/') || path.startsWith('/api/auditor'))) headers.authorization = `Bearer ${c.bearer}`;
  if (method !== 'GET' && method !== 'HEAD') {
    headers['content-type'] = 'application/json';
    const body = path.endsWith('/value') ? { kind: 'discount', description: 'x' } : path.includes('/passkeys/') && method === 'PATCH' ? { name: 'Renamed' } : {};
    return { method, headers, body: JSON.stringify(body) };
  }
  return { method, headers };
}

const outcome = (status: number): Outcome => (status === 401 || status === 403 ? 'denied' : status === 404 ? 'hidden' : 'ok');

describe('authorization matrix', () => {
  it('has an entry for every route the router serves, and no stale ones', async () => {
    const w = await world();
    const served = [...new Set(w.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))].sort();
    expect(served.filter((r) => !EXPECTED[r]), 'routes without a matrix entry').toEqual([]);
    expect(Object.keys(EXPECTED).filter((r) => !served.includes(r)), 'entries for routes that no longer exist').toEqual([]);
  });

  it('answers every route × role as expected', async () => {
    const mismatches: string[] = [];
    let cells = 0;
    for (const route of Object.keys(EXPECTED)) {
      const [method, path] = route.split(' ') as [string, string];
      const w = await world(); // a fresh world per route: some cells erase, revoke or log out
      for (const role of ROLES) {
        const res = await w.app.request(urlFor(path, w), requestInit(method, path, w.creds[role]));
        expect(res.status, `${route} as ${role}`).toBeLessThan(500);
        const got = outcome(res.status);
        cells += 1;
        if (got !== EXPECTED[route]![role]) mismatches.push(`${route} as ${role}: expected ${EXPECTED[route]![role]}, got ${res.status} ${(await res.text()).slice(0, 120)}`);
      }
    }
    console.log(`authorization matrix: ${Object.keys(EXPECTED).length} routes × ${ROLES.length} roles = ${cells} cells`);
    expect(mismatches).toEqual([]);
  }, 300_000);
});

// Value over time (issue 24): a brand recording value later may say when it was given
// (given_at), never before the grant and never in the future; the consumer's ledger dates
// each entry when given and lists them oldest first; the audit event names a stated date.
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { secretBrand } from '../helpers/brands.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { csrfTokenFor, newSession, RECOVERY_CREDENTIAL } from '../../src/features/identity/sessions.ts';
import { caller, signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { form, tokensFor, type SecretClient } from '../helpers/raw-oauth.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let me: Caller;
let brand: SecretClient;
let grantId: string;
let post: (json: unknown) => Promise<Response>;
const DAY = 24 * 3600_000;

beforeAll(async () => {
  deps = await testDeps();
  app = createApp(deps);
  me = await signedInConsumer(deps, app);
  await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'ada@example.com' } });
  brand = await secretBrand(deps);
  const approvedAt = deps.clock.now();
  const tokens = (await tokensFor(app, brand, me)) as unknown as { grant_id: string; refresh_token: string };
  grantId = tokens.grant_id;
  // Five days on: the brand comes back with a fresh access token to record what it gave.
  deps.clock.set(approvedAt + 5 * DAY);
  const fresh = await form(app, '/oauth/token', brand, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
  expect(fresh.status, await fresh.clone().text()).toBe(200);
  const access = ((await fresh.json()) as { access_token: string }).access_token;
  post = (json) =>
    Promise.resolve(
      app.request(`/v1/grants/${grantId}/value`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access}`, 'content-type': 'application/json' },
        body: JSON.stringify(json),
      }),
    );
});

/** The consumer signs in again (the first session ended during those five days). */
async function signedInAgain(): Promise<Caller> {
  const session = newSession(deps, 'consumer', me.consumerId, { credential: RECOVERY_CREDENTIAL });
  await commit(deps, { writes: [session.insert] });
  return caller(app, `trove_session=${session.rawId}`, csrfTokenFor(deps, session.rawId), me.consumerId);
}

describe('value dated when given', () => {
  it('takes a past date after the grant, dates the ledger by it, oldest first, and audits it', async () => {
    const now = deps.clock.now();
    const today = await post({ kind: 'points', description: 'Points today', amount: 50, unit: 'points' });
    expect(today.status).toBe(201);
    expect(await today.json()).toMatchObject({ created_at: new Date(now).toISOString(), given_at: new Date(now).toISOString() });
    const earlier = new Date(now - 3 * DAY).toISOString();
    const back = await post({ kind: 'money', description: 'Refund', amount: 10, unit: 'EUR', given_at: earlier });
    expect(back.status, await back.clone().text()).toBe(201);
    expect(await back.json()).toMatchObject({ created_at: new Date(now).toISOString(), given_at: earlier });

    const ledger = await (await (await signedInAgain()).call('/api/me/value')).json();
    const received = ledger.brands[0].received as { description: string; given_at: string; created_at: string }[];
    expect(received.map((r) => [r.description, r.given_at])).toEqual([
      ['Refund', earlier],
      ['Points today', new Date(now).toISOString()],
    ]);
    const details = (await deps.store.db.selectFrom('audit_events').select('detail').where('action', '=', 'value.recorded').orderBy('seq').execute()).map(
      (r) => (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail),
    );
    expect(details.map((d: { given_at?: string }) => d.given_at ?? null)).toEqual([null, earlier]);
  });

  it('refuses a date in the future or before the grant, with a clear 400 and nothing written', async () => {
    const before = (await deps.store.db.selectFrom('value_events').select('id').execute()).length;
    for (const [given_at, says] of [
      [new Date(deps.clock.now() + 60_000).toISOString(), 'future'],
      [new Date(deps.clock.now() - 6 * DAY).toISOString(), 'before the grant'],
      ['yesterday', 'given_at'],
    ] as const) {
      const res = await post({ kind: 'gift', description: 'A gift', given_at });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect(JSON.stringify(await res.json())).toContain(says);
    }
    expect((await deps.store.db.selectFrom('value_events').select('id').execute()).length).toBe(before);
  });
});

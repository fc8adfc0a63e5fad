import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { addAuditor, disableAuditor, newEnrolLink } from '../../src/features/auditors/accounts.ts';
import { sessionCookie, signUp } from '../helpers/passkey-client.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { createAuthenticator } from '../helpers/webauthn-authenticator.ts';

const ORIGIN = 'http://localhost:8787';
let deps: TestDeps;
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  deps = await testDeps({ origin: ORIGIN });
  app = createApp(deps);
});

const post = (path: string, json: unknown, headers: Record<string, string> = {}) =>
  Promise.resolve(app.request(path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(json) }));

async function enrol(code: string, authenticator = createAuthenticator({ origin: ORIGIN })) {
  const options = await post('/api/auditor/enrol/options', { code });
  if (options.status !== 200) return { res: options, authenticator };
  const response = authenticator.register(await options.json());
  return { res: await post('/api/auditor/enrol/verify', { code, response, name: 'Work key' }), authenticator };
}

const codeOf = (url: string) => url.split('#')[1]!;

describe('auditor portal sign-in', () => {
  it('enrols a passkey from the one-time link, signs in, and reads the audit API with the session', async () => {
    const auditor = await addAuditor(deps, { name: 'Ada Auditor' });
    expect(auditor.enrol_url).toMatch(new RegExp(`^${ORIGIN}/auditor/enrol#trv_ae_`));
    const { res } = await enrol(codeOf(auditor.enrol_url));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.auditor).toMatchObject({ id: auditor.id, name: 'Ada Auditor', brands: null });
    const cookie = sessionCookie(res)!;
    const me = await app.request('/api/auditor/me', { headers: { cookie } });
    expect(await me.json()).toMatchObject({ id: auditor.id, csrf_token: body.csrf_token });
    const events = await app.request('/v1/audit/events?order=desc&limit=3', { headers: { cookie } });
    expect(events.status).toBe(200);
    expect((await events.json()).events[0]).toMatchObject({ action: 'audit.queried', actor_id: auditor.id });
  });

  it('refuses a used, unknown or expired enrolment code', async () => {
    const auditor = await addAuditor(deps, { name: 'Once' });
    const code = codeOf(auditor.enrol_url);
    expect((await enrol(code)).res.status).toBe(200);
    expect((await enrol(code)).res.status).toBe(401);
    expect((await enrol(`trv_ae_${'x'.repeat(43)}`)).res.status).toBe(401);
    const later = await newEnrolLink(deps, auditor.id);
    deps.clock.advance(24 * 3600_000 + 1);
    expect((await enrol(codeOf(later.enrol_url))).res.status).toBe(401);
  });

  it('signs an enrolled auditor in without a username, and a consumer passkey never signs in as an auditor', async () => {
    const auditor = await addAuditor(deps, { name: 'Returning' });
    const { authenticator } = await enrol(codeOf(auditor.enrol_url));
    const options = await (await post('/api/auditor/login/options', {})).json();
    const res = await post('/api/auditor/login/verify', { response: authenticator.authenticate(options) });
    expect(res.status).toBe(200);
    expect((await res.json()).auditor.id).toBe(auditor.id);

    const consumer = await signUp(app, ORIGIN);
    const opts2 = await (await post('/api/auditor/login/options', {})).json();
    const refused = await post('/api/auditor/login/verify', { response: consumer.authenticator.authenticate(opts2) });
    expect(refused.status).toBe(401);
    const last = await deps.store.db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(last).toMatchObject({ action: 'session.signed_in', outcome: 'denied', actor_type: 'auditor', reason: 'unknown_credential' });
    // And the auditor's credential does not sign in to the consumer portal.
    const copts = await (await post('/api/passkeys/login/options', {})).json();
    expect((await post('/api/passkeys/login/verify', authenticator.authenticate(copts))).status).toBe(401);
  });

  it('refuses a replayed sign-in assertion and audits the replay against the auditor', async () => {
    const auditor = await addAuditor(deps, { name: 'Replayed' });
    const { authenticator } = await enrol(codeOf(auditor.enrol_url));
    const options = await (await post('/api/auditor/login/options', {})).json();
    const response = authenticator.authenticate(options);
    expect((await post('/api/auditor/login/verify', { response })).status).toBe(200);
    const replay = await post('/api/auditor/login/verify', { response });
    expect(replay.status).toBe(401);
    expect(sessionCookie(replay)).toBeNull();
    const last = await deps.store.db.selectFrom('audit_events').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(last).toMatchObject({ action: 'session.signed_in', outcome: 'denied', actor_type: 'auditor', actor_id: auditor.id, reason: 'challenge_used' });
  });

  it('ends the portal session when the auditor is disabled', async () => {
    const auditor = await addAuditor(deps, { name: 'Leaving' });
    const { res } = await enrol(codeOf(auditor.enrol_url));
    const cookie = sessionCookie(res)!;
    await disableAuditor(deps, auditor.id);
    expect((await app.request('/v1/audit/events', { headers: { cookie } })).status).toBe(401);
    expect((await app.request('/api/auditor/me', { headers: { cookie } })).status).toBe(401);
  });

  it('answers malformed enrolment bodies with a 400 problem', async () => {
    for (const body of [{}, { code: 'nope' }, { code: 'trv_ae_x', response: {} }]) {
      const res = await post(body === undefined ? '' : '/api/auditor/enrol/verify', body);
      expect(res.status).toBe(400);
    }
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { CHALLENGE_TTL_MS } from '../../src/features/identity/challenges.ts';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../src/features/identity/sessions.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { caller } from '../helpers/consumer.ts';
import { sessionCookie, signedUpCaller, signIn, signUp } from '../helpers/passkey-client.ts';
import { createAuthenticator } from '../helpers/webauthn-authenticator.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let origin: string;

beforeEach(async () => {
  deps = await testDeps();
  app = createApp(deps);
  origin = deps.config.origin;
});

const denials = async () =>
  await deps.store.db.selectFrom('audit_events').select(['action', 'reason']).where('outcome', '=', 'denied').orderBy('seq').execute();

describe('sign-up with a passkey', () => {
  it('creates a consumer with a data key, their passkey and a session, and audits all three', async () => {
    const { res } = await signUp(app, origin);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toEqual({ consumer: { id: expect.any(String) }, csrf_token: expect.any(String) });
    const consumer = await deps.store.db.selectFrom('consumers').selectAll().where('id', '=', body.consumer.id).executeTakeFirstOrThrow();
    expect(consumer.data_key_wrapped).toBeTruthy();
    const passkeys = await deps.store.db.selectFrom('passkeys').selectAll().where('consumer_id', '=', body.consumer.id).execute();
    expect(passkeys).toHaveLength(1);
    const me = await app.request('/api/me', { headers: { cookie: sessionCookie(res)! } });
    expect(me.status).toBe(200);
    const actions = (await deps.store.db.selectFrom('audit_events').select('action').where('consumer_id', '=', body.consumer.id).orderBy('seq').execute()).map(
      (a) => a.action,
    );
    expect(actions).toEqual(['consumer.created', 'passkey.added', 'session.signed_in']);
  });

  it('asks for a discoverable credential with user verification required', async () => {
    const options = await (
      await app.request('/api/passkeys/register/options', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    ).json();
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    expect(options.rp.id).toBe('localhost');
    expect(options.attestation).toBe('none');
  });

  it('sets an HttpOnly, SameSite=Lax session cookie (not Secure on http://localhost)', async () => {
    const { res } = await signUp(app, origin);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^trove_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i);
  });

  it('sets a Secure __Host- cookie on an https origin', async () => {
    const secureDeps = await testDeps({ origin: 'https://vault.example' });
    const secureApp = createApp(secureDeps);
    const { res } = await signUp(secureApp, 'https://vault.example');
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^__Host-trove_session=/);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/Path=\//);
  });

  it('refuses a response for a wrong origin or RP id, and creates nothing', async () => {
    expect((await signUp(app, origin, undefined, { origin: 'https://evil.example' })).res.status).toBe(401);
    expect((await signUp(app, origin, undefined, { rpId: 'evil.example' })).res.status).toBe(401);
    expect(await deps.store.db.selectFrom('consumers').select('id').execute()).toEqual([]);
  });

  it('refuses a response without user verification', async () => {
    expect((await signUp(app, origin, undefined, { userVerified: false })).res.status).toBe(401);
  });

  it('refuses a replayed registration', async () => {
    const first = await signUp(app, origin);
    expect(first.res.status).toBe(200);
    const again = await app.request('/api/passkeys/register/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response: first.response }),
    });
    expect(again.status).toBe(401);
    expect(await deps.store.db.selectFrom('consumers').select('id').execute()).toHaveLength(1);
  });

  it('refuses malformed responses with 400', async () => {
    const res = await app.request('/api/passkeys/register/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response: { id: 'x', type: 'public-key' } }),
    });
    expect(res.status).toBe(400);
  });
});

describe('sign-in with a passkey', () => {
  it('signs in usernameless and rotates the session id', async () => {
    const me = await signedUpCaller(app, origin);
    const { res } = await signIn(app, me.authenticator, undefined, { cookie: me.cookie, 'x-csrf-token': me.csrf });
    expect(res.status).toBe(200);
    const fresh = sessionCookie(res)!;
    expect(fresh).not.toBe(me.cookie);
    expect((await app.request('/api/me', { headers: { cookie: fresh } })).status).toBe(200);
    // The session presented at sign-in is gone.
    expect((await app.request('/api/me', { headers: { cookie: me.cookie } })).status).toBe(401);
  });

  it('refuses a replayed sign-in response (the challenge is single-use) and audits the replay against its owner', async () => {
    const me = await signedUpCaller(app, origin);
    const first = await signIn(app, me.authenticator);
    expect(first.res.status).toBe(200);
    const replay = await app.request('/api/passkeys/login/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(first.response),
    });
    expect(replay.status).toBe(401);
    expect(sessionCookie(replay)).toBeNull();
    const denied = await deps.store.db.selectFrom('audit_events').select(['action', 'reason', 'consumer_id']).where('outcome', '=', 'denied').execute();
    expect(denied).toEqual([{ action: 'session.signed_in', reason: 'challenge_used', consumer_id: me.consumerId }]);
  });

  it('refuses an unknown challenge without writing anything', async () => {
    const me = await signedUpCaller(app, origin);
    const before = await deps.store.db
      .selectFrom('audit_events')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const response = me.authenticator.authenticate({ challenge: 'bm90LWEtY2hhbGxlbmdlLXdlLWlzc3VlZA' });
    const res = await app.request('/api/passkeys/login/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(response),
    });
    expect(res.status).toBe(401);
    const after = await deps.store.db
      .selectFrom('audit_events')
      .select(({ fn }) => fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('refuses an expired challenge', async () => {
    const me = await signedUpCaller(app, origin);
    const options = await (
      await app.request('/api/passkeys/login/options', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    ).json();
    deps.clock.advance(CHALLENGE_TTL_MS + 1);
    const response = me.authenticator.authenticate(options);
    const res = await app.request('/api/passkeys/login/verify', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(response),
    });
    expect(res.status).toBe(401);
  });

  it('refuses a wrong origin and a wrong RP id, auditing each denial', async () => {
    const me = await signedUpCaller(app, origin);
    expect((await signIn(app, me.authenticator, { origin: 'https://evil.example' })).res.status).toBe(401);
    expect((await signIn(app, me.authenticator, { rpId: 'evil.example' })).res.status).toBe(401);
    expect((await denials()).filter((d) => d.action === 'session.signed_in')).toHaveLength(2);
  });

  it('rejects a signature counter that goes backwards', async () => {
    const me = await signedUpCaller(app, origin);
    expect((await signIn(app, me.authenticator, { counter: 5 })).res.status).toBe(200);
    expect((await signIn(app, me.authenticator, { counter: 3 })).res.status).toBe(401);
    expect(await denials()).toContainEqual({ action: 'session.signed_in', reason: 'counter_not_increased' });
  });

  it('refuses an unknown credential', async () => {
    await signedUpCaller(app, origin);
    const stranger = createAuthenticator({ origin });
    stranger.register({
      ...(await (await app.request('/api/passkeys/register/options', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()),
    });
    expect((await signIn(app, stranger)).res.status).toBe(401);
    expect(await denials()).toContainEqual({ action: 'session.signed_in', reason: 'unknown_credential' });
  });
});

describe('sessions', () => {
  it('end after the idle timeout', async () => {
    const me = await signedUpCaller(app, origin);
    deps.clock.advance(SESSION_IDLE_MS - 1000);
    expect((await me.call('/api/me')).status).toBe(200);
    deps.clock.advance(SESSION_IDLE_MS + 1);
    expect((await me.call('/api/me')).status).toBe(401);
  });

  it('end at the absolute timeout even when active', async () => {
    const me = await signedUpCaller(app, origin);
    for (let t = 0; t < SESSION_ABSOLUTE_MS; t += SESSION_IDLE_MS / 2) {
      deps.clock.advance(SESSION_IDLE_MS / 2);
      if (t + SESSION_IDLE_MS / 2 < SESSION_ABSOLUTE_MS) expect((await me.call('/api/me')).status).toBe(200);
    }
    expect((await me.call('/api/me')).status).toBe(401);
  });

  it('end at logout', async () => {
    const me = await signedUpCaller(app, origin);
    expect((await me.call('/api/session/logout', { method: 'POST' })).status).toBe(204);
    expect((await me.call('/api/me')).status).toBe(401);
  });
});

describe('managing passkeys and recovery codes', () => {
  it('adds a second passkey while signed in, and either can sign in', async () => {
    const me = await signedUpCaller(app, origin);
    const second = createAuthenticator({ origin });
    const options = await (await me.call('/api/passkeys/register/options', { method: 'POST', json: {} })).json();
    expect(options.excludeCredentials).toHaveLength(1);
    const added = await me.call('/api/passkeys/register/verify', { method: 'POST', json: { response: second.register(options), name: 'Laptop' } });
    expect(added.status).toBe(200);
    const { passkeys } = await (await me.call('/api/me/passkeys')).json();
    expect(passkeys.map((p: { name: string }) => p.name)).toEqual(['Test key', 'Laptop']);
    expect((await signIn(app, second)).res.status).toBe(200);
    expect((await signIn(app, me.authenticator)).res.status).toBe(200);
  });

  it('refuses to remove the last passkey unless recovery codes exist', async () => {
    const me = await signedUpCaller(app, origin);
    const { passkeys } = await (await me.call('/api/me/passkeys')).json();
    expect((await me.call(`/api/me/passkeys/${passkeys[0].id}`, { method: 'DELETE' })).status).toBe(409);
    expect((await me.call('/api/me/recovery-codes', { method: 'POST' })).status).toBe(201);
    expect((await me.call(`/api/me/passkeys/${passkeys[0].id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it("renames a passkey, and never another consumer's", async () => {
    const me = await signedUpCaller(app, origin);
    const other = await signedUpCaller(app, origin);
    const { passkeys } = await (await me.call('/api/me/passkeys')).json();
    expect((await me.call(`/api/me/passkeys/${passkeys[0].id}`, { method: 'PATCH', json: { name: 'Phone' } })).status).toBe(204);
    expect((await other.call(`/api/me/passkeys/${passkeys[0].id}`, { method: 'PATCH', json: { name: 'Mine now' } })).status).toBe(404);
    expect((await other.call(`/api/me/passkeys/${passkeys[0].id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('issues ten recovery codes, stored hashed, each signing in exactly once', async () => {
    const me = await signedUpCaller(app, origin);
    const { codes } = await (await me.call('/api/me/recovery-codes', { method: 'POST' })).json();
    expect(codes).toHaveLength(10);
    const stored = await deps.store.db.selectFrom('recovery_codes').select('code_hash').execute();
    for (const code of codes) expect(JSON.stringify(stored)).not.toContain(code);
    const use = (code: string) =>
      app.request('/api/recovery/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
    const first = await use(codes[0].toLowerCase());
    expect(first.status).toBe(200);
    const session = caller(app, sessionCookie(first)!, (await first.json()).csrf_token);
    expect((await session.call('/api/me')).status).toBe(200);
    expect((await use(codes[0])).status).toBe(401);
    expect((await use('ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ')).status).toBe(401);
    expect((await use(codes[1])).status).toBe(200);
  });

  it('replaces the old recovery codes when new ones are made', async () => {
    const me = await signedUpCaller(app, origin);
    const { codes: old } = await (await me.call('/api/me/recovery-codes', { method: 'POST' })).json();
    await me.call('/api/me/recovery-codes', { method: 'POST' });
    const res = await app.request('/api/recovery/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: old[0] }),
    });
    expect(res.status).toBe(401);
  });
});

// Step-up (issue 20): new recovery codes, adding or removing a passkey and erasing the
// account need a passkey assertion from the last five minutes (sign-in, sign-up, or the
// step-up ceremony, or one sent with the call), checked again at commit time.
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { Change } from '../../src/db/store.ts';
import { STEP_UP_MAX_AGE_MS } from '../../src/features/identity/step-up.ts';
import { caller, type Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { sessionCookie, signedInCaller, signedUpCaller, stepUp } from '../helpers/passkey-client.ts';
import { createAuthenticator, type SoftwareAuthenticator } from '../helpers/webauthn-authenticator.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let origin: string;
let me: Caller & { authenticator: SoftwareAuthenticator };

beforeEach(async () => {
  deps = await testDeps();
  app = createApp(deps);
  origin = deps.config.origin;
  me = await signedUpCaller(app, origin);
});

const STEP_UP_TYPE = 'https://trove.dev/problems/step-up-required';
const stale = () => deps.clock.advance(STEP_UP_MAX_AGE_MS + 1000);
const recoveryCodes = async (c: Caller, json: unknown = {}) => c.call('/api/me/recovery-codes', { method: 'POST', json });
const useCode = (code: string) =>
  app.request('/api/recovery/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });
const events = (action: string) => deps.store.db.selectFrom('audit_events').select(['outcome', 'reason', 'detail']).where('action', '=', action).execute();

async function expectStepUpRequired(res: Response) {
  expect(res.status).toBe(403);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  const problem = await res.json();
  expect(problem).toMatchObject({ type: STEP_UP_TYPE, status: 403, max_age: 300 });
}

async function addSecondPasskey(c: Caller) {
  const second = createAuthenticator({ origin });
  const options = await (await c.call('/api/passkeys/register/options', { method: 'POST', json: {} })).json();
  const added = await c.call('/api/passkeys/register/verify', { method: 'POST', json: { response: second.register(options), name: 'Second' } });
  expect(added.status).toBe(200);
  return { second, id: (await added.json()).passkey.id as string };
}

describe('step-up before sensitive calls', () => {
  it('refuses new recovery codes from a session whose last passkey proof is over five minutes old, keeping the old codes', async () => {
    const { codes } = await (await recoveryCodes(me)).json();
    stale();
    await expectStepUpRequired(await recoveryCodes(me));
    expect((await useCode(codes[0])).status).toBe(200);
  });

  it('refuses adding a passkey, removing one and erasing the account from a stale session, changing nothing', async () => {
    const { id } = await addSecondPasskey(me);
    stale();
    await expectStepUpRequired(await me.call('/api/passkeys/register/options', { method: 'POST', json: {} }));
    await expectStepUpRequired(await me.call(`/api/me/passkeys/${id}`, { method: 'DELETE' }));
    await expectStepUpRequired(await me.call('/api/me', { method: 'DELETE' }));
    expect(await deps.store.db.selectFrom('passkeys').select('id').where('consumer_id', '=', me.consumerId).execute()).toHaveLength(2);
    const consumer = await deps.store.db.selectFrom('consumers').select('status').where('id', '=', me.consumerId).executeTakeFirstOrThrow();
    expect(consumer.status).toBe('active');
  });

  it('allows them again for five minutes after a step-up with one of the consumer’s own passkeys, audited', async () => {
    stale();
    const { res } = await stepUp(me, me.authenticator);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ auth_at: deps.clock.now(), fresh_until: deps.clock.now() + STEP_UP_MAX_AGE_MS });
    expect((await recoveryCodes(me)).status).toBe(201);
    const passkey = me.authenticator.credentials()[0]!.id;
    const session = (await deps.store.db.selectFrom('sessions').select('public_id').where('subject_id', '=', me.consumerId).executeTakeFirstOrThrow())
      .public_id;
    expect((await events('session.stepped_up')).map((e) => ({ ...e, detail: JSON.parse(e.detail!) }))).toEqual([
      { outcome: 'success', reason: null, detail: { passkey, session } },
    ]);
    stale();
    await expectStepUpRequired(await recoveryCodes(me));
  });

  it('accepts the assertion sent with the sensitive call itself, and the session is fresh after it', async () => {
    stale();
    await expectStepUpRequired(await recoveryCodes(me));
    const options = await (await me.call('/api/me/step-up/options', { method: 'POST', json: {} })).json();
    const res = await recoveryCodes(me, { step_up: me.authenticator.authenticate(options) });
    expect(res.status).toBe(201);
    expect((await res.json()).codes).toHaveLength(10);
    expect((await recoveryCodes(me)).status).toBe(201);
  });

  it('offers only the consumer’s own passkeys, with user verification required', async () => {
    const options = await (await me.call('/api/me/step-up/options', { method: 'POST', json: {} })).json();
    expect(options.userVerification).toBe('required');
    expect(options.allowCredentials.map((c: { id: string }) => c.id)).toEqual(me.authenticator.credentials().map((c) => c.id));
  });

  it('refuses a step-up with another consumer’s passkey, without user verification, or replayed, auditing each', async () => {
    const other = await signedUpCaller(app, origin);
    stale();
    const options = await (await me.call('/api/me/step-up/options', { method: 'POST', json: {} })).json();
    const foreign = other.authenticator.authenticate(options, { credentialId: other.authenticator.credentials()[0]!.id });
    expect((await me.call('/api/me/step-up/verify', { method: 'POST', json: foreign })).status).toBe(403);
    expect((await stepUp(me, me.authenticator, { userVerified: false })).res.status).toBe(403);
    const good = await stepUp(me, me.authenticator);
    expect(good.res.status).toBe(200);
    stale();
    expect((await me.call('/api/me/step-up/verify', { method: 'POST', json: good.response })).status).toBe(403);
    await expectStepUpRequired(await recoveryCodes(me));
    expect((await events('session.stepped_up')).filter((e) => e.outcome === 'denied').map((e) => e.reason)).toEqual([
      'not_own_credential',
      'verification_failed',
      'challenge_used',
    ]);
  });

  it('does not let one consumer use a step-up challenge issued to another', async () => {
    const other = await signedUpCaller(app, origin);
    stale();
    const theirs = await (await other.call('/api/me/step-up/options', { method: 'POST', json: {} })).json();
    const response = me.authenticator.authenticate({ ...theirs, allowCredentials: [] });
    expect((await me.call('/api/me/step-up/verify', { method: 'POST', json: response })).status).toBe(401);
    await expectStepUpRequired(await recoveryCodes(me));
  });

  it('refuses the change when the session is ended elsewhere between the check and the commit', async () => {
    // Another device signs out this session just before the new codes commit.
    let competitor: (() => Promise<Response>) | undefined;
    const racing: TestDeps = {
      ...deps,
      store: {
        ...deps.store,
        commit: async (change: Change) => {
          const run = competitor;
          if (run && change.audit?.some((e) => e.action === 'recovery_codes.generated')) {
            competitor = undefined;
            expect((await run()).status).toBe(204);
          }
          return deps.store.commit(change);
        },
      },
    };
    const raceApp = createApp(racing);
    const here = caller(raceApp, me.cookie, me.csrf, me.consumerId);
    const elsewhere = await signedInCaller(raceApp, me.authenticator);
    const { sessions } = await (await elsewhere.call('/api/me/sessions')).json();
    const mine = sessions.find((s: { current: boolean }) => !s.current).id as string;
    competitor = () => elsewhere.call(`/api/me/sessions/${mine}`, { method: 'DELETE' });
    const res = await here.call('/api/me/recovery-codes', { method: 'POST', json: {} });
    expect(res.status).toBe(403);
    expect(await deps.store.db.selectFrom('recovery_codes').select('code_hash').execute()).toEqual([]);
    expect(await events('recovery_codes.generated')).toEqual([]);
  });

  it('refuses the erasure when the session is ended elsewhere between the check and the commit', async () => {
    let competitor: (() => Promise<Response>) | undefined;
    const racing: TestDeps = {
      ...deps,
      store: {
        ...deps.store,
        commit: async (change: Change) => {
          const run = competitor;
          if (run && change.audit?.some((e) => e.action === 'consumer.erased')) {
            competitor = undefined;
            expect((await run()).status).toBe(204);
          }
          return deps.store.commit(change);
        },
      },
    };
    const raceApp = createApp(racing);
    const here = caller(raceApp, me.cookie, me.csrf, me.consumerId);
    const elsewhere = await signedInCaller(raceApp, me.authenticator);
    const { sessions } = await (await elsewhere.call('/api/me/sessions')).json();
    const mine = sessions.find((s: { current: boolean }) => !s.current).id as string;
    competitor = () => elsewhere.call(`/api/me/sessions/${mine}`, { method: 'DELETE' });
    const res = await here.call('/api/me', { method: 'DELETE', json: {} });
    expect(res.status).toBe(403);
    const row = await deps.store.db.selectFrom('consumers').select(['status', 'data_key_wrapped']).where('id', '=', me.consumerId).executeTakeFirstOrThrow();
    expect(row.status).toBe('active');
    expect(row.data_key_wrapped).toBeTruthy();
    expect(await events('consumer.erased')).toEqual([]);
  });

  it('counts a recovery-code sign-in as fresh, so a consumer who lost every passkey can add a new one', async () => {
    const { codes } = await (await recoveryCodes(me)).json();
    stale();
    await expectStepUpRequired(await me.call('/api/passkeys/register/options', { method: 'POST', json: {} }));
    const res = await useCode(codes[0]);
    expect(res.status).toBe(200);
    const recovered = caller(app, sessionCookie(res)!, (await res.json()).csrf_token, me.consumerId);
    const { id } = await addSecondPasskey(recovered);
    expect(id).toBeTruthy();
    const lost = me.authenticator.credentials()[0]!.id;
    expect((await recovered.call(`/api/me/passkeys/${lost}`, { method: 'DELETE' })).status).toBe(204);
  });
});

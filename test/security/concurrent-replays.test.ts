// The same single-use thing presented twice at once: one request wins at commit, the
// others get the answer a sequential replay gets (never a 500), and replay detection
// still fires, so racing the legitimate client is no way around it (RFC 9700 4.14).
import type { AppLike } from '../helpers/app-like.ts';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import type { Change } from '../../src/db/store.ts';
import { disableBrand } from '../../src/features/brands/register-brand.ts';
import { GuardFailed } from '../../src/errors.ts';
import { errorHandler } from '../../src/http/error-handler.ts';
import { secretBrand, shoeDetails } from '../helpers/brands.ts';
import { signedInConsumer } from '../helpers/consumer.ts';
import { testDeps, testLog, type TestDeps } from '../helpers/deps.ts';
import { signedUpCaller } from '../helpers/passkey-client.ts';
import { createAuthenticator } from '../helpers/webauthn-authenticator.ts';
import { approvedCode, exchange, form, par, read, requestId, tokensFor } from '../helpers/raw-oauth.ts';

/** Runs a competing request (once) just before the first commit that audits `action`:
 *  a deterministic "another request won the race between the checks and the commit". */
function interleave(action: string) {
  let competitor: (() => Promise<Response> | Response) | undefined;
  const ran: number[] = [];
  const wrap = (d: TestDeps): TestDeps => ({
    ...d,
    store: {
      ...d.store,
      commit: async (change: Change) => {
        if (competitor && change.audit?.some((e) => e.action === action)) {
          const run = competitor;
          competitor = undefined;
          ran.push((await run()).status);
        }
        return d.store.commit(change);
      },
    },
  });
  return {
    wrap,
    ran,
    arm: (fn: () => Promise<Response> | Response) => {
      competitor = fn;
    },
  };
}

async function world(wrap?: (deps: TestDeps) => TestDeps) {
  const deps = await testDeps();
  const app = createApp(wrap ? wrap(deps) : deps);
  const me = await signedInConsumer(deps, app);
  await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'twice@example.com' } });
  await me.call('/api/me/attributes/shoe_size', { method: 'PUT', json: { value: { size: 42, system: 'EU' } } });
  return { deps, app, me, brand: await secretBrand(deps) };
}

const refused = (status: number) => status === 401 || status === 403;
const statuses = (rs: Response[]) => rs.map((r) => r.status).sort();
const events = (deps: TestDeps, action: string) =>
  deps.store.db.selectFrom('audit_events').select(['outcome', 'reason', 'grant_id', 'detail']).where('action', '=', action).execute();
const post = (app: AppLike, path: string, json: unknown) =>
  Promise.resolve(app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) }));

describe('concurrent replays', () => {
  it('treat an authorization code exchanged three times at once as a replay: one exchange wins, then its tokens are revoked', async () => {
    const { deps, app, me, brand } = await world();
    const { code, verifier } = await approvedCode(app, brand, me);
    const rs = await Promise.all([1, 2, 3].map(() => exchange(app, brand, code, verifier)));
    expect(statuses(rs)).toEqual([200, 400, 400]);
    const losers = await Promise.all(rs.filter((r) => r.status === 400).map((r) => r.json()));
    expect(losers.every((b) => b.error === 'invalid_grant')).toBe(true);
    const won = await rs.find((r) => r.status === 200)!.json();
    expect(refused((await read(app, won.access_token)).status)).toBe(true);
    expect((await events(deps, 'token.code_replayed')).map((e) => e.reason)).toEqual(['code_reused', 'code_reused']);
  });

  it('treat a refresh token used three times at once as reuse: its whole family is revoked', async () => {
    const { deps, app, me, brand } = await world();
    const t = await tokensFor(app, brand, me, { details: shoeDetails({ access: 'ongoing' }) });
    const refresh = () => form(app, '/oauth/token', brand, { grant_type: 'refresh_token', refresh_token: t.refresh_token! });
    const rs = await Promise.all([refresh(), refresh(), refresh()]);
    expect(statuses(rs)).toEqual([200, 400, 400]);
    const won = await rs.find((r) => r.status === 200)!.json();
    expect(refused((await read(app, won.access_token)).status)).toBe(true);
    const next = await form(app, '/oauth/token', brand, { grant_type: 'refresh_token', refresh_token: won.refresh_token });
    expect((await next.json()).error).toBe('invalid_grant');
    expect((await events(deps, 'token.refresh_reused')).length).toBeGreaterThanOrEqual(2);
  });

  it('answer a code exchange that loses to a revocation at commit with invalid_grant, issuing nothing', async () => {
    const hook = interleave('token.issued');
    const { deps, app, me, brand } = await world(hook.wrap);
    const { code, verifier, requestId: id } = await approvedCode(app, brand, me);
    const { grant_id: grantId } = await deps.store.db.selectFrom('grant_requests').select('grant_id').where('id', '=', id).executeTakeFirstOrThrow();
    hook.arm(() => me.call(`/api/me/grants/${grantId!}/revoke`, { method: 'POST' }));
    const res = await exchange(app, brand, code, verifier);
    expect(hook.ran).toEqual([200]);
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_grant');
    expect(await deps.store.db.selectFrom('access_tokens').select('jti').where('grant_id', '=', grantId!).execute()).toEqual([]);
  });

  it.each([
    ['the consumer revokes the grant', 'revoked', 'ongoing'],
    ['the brand revokes its token', 'token_revoked', 'ongoing'],
    ['the operator disables the brand', 'brand_disabled', 'ongoing'],
    ['another read uses up a once grant', 'exhausted', 'once'],
  ] as const)('refuse a read when %s between its check and its commit, counting and answering nothing', async (_what, reason, access) => {
    const hook = interleave('grant.read');
    const { deps, app, me, brand } = await world(hook.wrap);
    const { access_token, grant_id } = await tokensFor(app, brand, me, { details: shoeDetails({ access }) });
    const competitors = {
      revoked: () => me.call(`/api/me/grants/${grant_id}/revoke`, { method: 'POST' }),
      token_revoked: () => form(app, '/oauth/revoke', brand, { token: access_token }),
      brand_disabled: async () => {
        await disableBrand(deps, brand.clientId);
        return new Response(null, { status: 204 });
      },
      exhausted: () => read(app, access_token),
    };
    hook.arm(competitors[reason]);
    const res = await read(app, access_token);
    expect(hook.ran).toHaveLength(1);
    expect(hook.ran[0]).toBeLessThan(300);
    // The token no longer counts (revoked, or its brand disabled): 401 invalid_token; the
    // grant ended: 403 with the reason. Either way the audited denial names the reason.
    const tokenGone = reason === 'token_revoked' || reason === 'brand_disabled';
    expect(res.status).toBe(tokenGone ? 401 : 403);
    const body = await res.json();
    if (!tokenGone) expect(body.reason).toBe(reason);
    expect(JSON.stringify(body)).not.toContain('twice@example.com');
    const reads = (await events(deps, 'grant.read')).filter((e) => e.grant_id === grant_id);
    const won = reason === 'exhausted' ? 1 : 0; // the competing read itself
    expect(reads.filter((e) => e.outcome === 'success')).toHaveLength(won);
    expect(reads.filter((e) => e.outcome === 'denied').map((e) => e.reason)).toEqual([reason]);
    const grant = await deps.store.db.selectFrom('grants').select(['read_count', 'last_read_at']).where('id', '=', grant_id).executeTakeFirstOrThrow();
    expect(grant.read_count).toBe(won);
  });

  it('decide a request approved and denied at once exactly once; the loser is told it was already decided', async () => {
    const { deps, app, me, brand } = await world();
    const id = requestId((await (await par(app, brand)).res.json()).request_uri);
    await me.call(`/api/me/requests/${id}`);
    const rs = await Promise.all([
      me.call(`/api/me/requests/${id}/approve`, { method: 'POST', json: {} }),
      me.call(`/api/me/requests/${id}/deny`, { method: 'POST', json: {} }),
      me.call(`/api/me/requests/${id}/approve`, { method: 'POST', json: {} }),
    ]);
    expect(statuses(rs)).toEqual([200, 404, 404]);
    const decisions = [...(await events(deps, 'grant.approved')), ...(await events(deps, 'grant.denied'))].filter((e) => JSON.stringify(e.detail).includes(id));
    expect(decisions).toHaveLength(1);
  });

  it('sign in once with a recovery code used twice at once, and audit the refused one', async () => {
    const deps = await testDeps();
    const app = createApp(deps);
    const me = await signedInConsumer(deps, app);
    const { codes } = await (await me.call('/api/me/recovery-codes', { method: 'POST', json: {} })).json();
    const rs = await Promise.all([1, 2].map(() => post(app, '/api/recovery/login', { code: codes[0] })));
    expect(statuses(rs)).toEqual([200, 401]);
    const refused = (await events(deps, 'session.signed_in')).filter((e) => e.outcome === 'denied');
    expect(refused.map((e) => e.reason)).toEqual(['recovery_code_used']);
  });

  it('sign in once with a passkey assertion submitted twice at once, and audit the refused one', async () => {
    const deps = await testDeps();
    const app = createApp(deps);
    const me = await signedUpCaller(app, deps.config.origin);
    const options = await (await post(app, '/api/passkeys/login/options', {})).json();
    const response = me.authenticator.authenticate(options);
    const rs = await Promise.all([1, 2].map(() => post(app, '/api/passkeys/login/verify', response)));
    expect(statuses(rs)).toEqual([200, 401]);
    const refused = (await events(deps, 'session.signed_in')).filter((e) => e.outcome === 'denied');
    // Which check the loser trips depends on timing (the used challenge, or the counter the
    // winner just advanced); either way it is refused once and audited.
    expect(refused).toHaveLength(1);
    expect(['challenge_used', 'counter_not_increased', 'counter_changed']).toContain(refused[0]!.reason);
  });

  it('create one account from a passkey registration submitted twice at once', async () => {
    const deps = await testDeps();
    const app = createApp(deps);
    const authenticator = createAuthenticator({ origin: deps.config.origin });
    const response = authenticator.register(await (await post(app, '/api/passkeys/register/options', {})).json());
    const rs = await Promise.all([1, 2].map(() => post(app, '/api/passkeys/register/verify', { response, name: 'Key' })));
    expect(statuses(rs)).toEqual([200, 401]);
    expect(await deps.store.db.selectFrom('consumers').select('id').execute()).toHaveLength(1);
  });

  it('keep a way in when both passkeys are removed at once', async () => {
    const deps = await testDeps();
    const app = createApp(deps);
    const me = await signedUpCaller(app, deps.config.origin);
    await deps.store.db
      .insertInto('passkeys')
      .values({
        id: 'pk-second',
        consumer_id: me.consumerId,
        public_key: 'AA',
        counter: 0,
        transports: '[]',
        name: 'Second',
        device_type: null,
        backed_up: 0,
        created_at: 0,
        last_used_at: null,
      })
      .execute();
    const { passkeys } = (await (await me.call('/api/me/passkeys')).json()) as { passkeys: { id: string }[] };
    expect(passkeys).toHaveLength(2);
    const rs = await Promise.all(passkeys.map((p) => me.call(`/api/me/passkeys/${encodeURIComponent(p.id)}`, { method: 'DELETE' })));
    expect(rs.map((r) => r.status).filter((s) => s === 409)).toHaveLength(1);
    expect(rs.every((r) => r.status < 300 || r.status === 409)).toBe(true);
    expect(await deps.store.db.selectFrom('passkeys').select('id').where('consumer_id', '=', me.consumerId).execute()).toHaveLength(1);
  });

  it('erase an account even when a brand gives up a grant between the erasure reading the grants and committing', async () => {
    const hook = interleave('consumer.erased');
    const { deps, app, me, brand } = await world(hook.wrap);
    const t = await tokensFor(app, brand, me);
    hook.arm(() => app.request(`/v1/grants/${t.grant_id}`, { method: 'DELETE', headers: { authorization: `Bearer ${t.access_token}` } }));
    expect((await me.call('/api/me', { method: 'DELETE' })).status).toBe(204);
    expect(hook.ran).toEqual([204]);
    const consumer = await deps.store.db.selectFrom('consumers').select('status').where('id', '=', me.consumerId).executeTakeFirstOrThrow();
    expect(consumer.status).toBe('erased');
    const grant = await deps.store.db.selectFrom('grants').select(['status', 'revoked_by']).where('id', '=', t.grant_id).executeTakeFirstOrThrow();
    expect(grant).toEqual({ status: 'revoked', revoked_by: 'brand' });
  });

  it('answer a lost commit race no feature claimed with 409 (an OAuth error body under /oauth), not a 500', async () => {
    const app = new Hono();
    app.onError(errorHandler(testLog));
    app.get('/api/x', () => {
      throw new GuardFailed('something');
    });
    app.post('/oauth/x', () => {
      throw new GuardFailed('something');
    });
    const api = await app.request('/api/x');
    expect(api.status).toBe(409);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    const oauth = await app.request('/oauth/x', { method: 'POST' });
    expect(oauth.status).toBe(400);
    expect((await oauth.json()).error).toBe('invalid_request');
  });
});

// Sessions (issue 20): each remembers the credential that opened it, so removing that
// passkey ends it; the consumer lists their sessions, ends one, or signs out everywhere
// else, every ending audited with ids only.
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { deviceHint } from '../../src/features/identity/device-hint.ts';
import { SESSION_IDLE_MS } from '../../src/features/identity/sessions.ts';
import type { Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { signedInCaller, signedUpCaller } from '../helpers/passkey-client.ts';
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

const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
const SAFARI_IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1';

type Listed = {
  id: string;
  device: string | null;
  created_at: number;
  last_seen_at: number;
  current: boolean;
  signed_in_with: { type: string; passkey?: { id: string; name: string | null } | null };
};
const list = async (c: Caller): Promise<Listed[]> => (await (await c.call('/api/me/sessions')).json()).sessions;
const alive = async (c: Caller) => (await c.call('/api/me')).status === 200;
const events = async (action: string) =>
  (await deps.store.db.selectFrom('audit_events').select(['consumer_id', 'detail']).where('action', '=', action).execute()).map((e) => ({
    consumer_id: e.consumer_id,
    detail: e.detail === null ? null : JSON.parse(e.detail),
  }));

/** A second passkey on its own authenticator (another device), added from `c`. */
async function secondPasskey(c: Caller) {
  const device = createAuthenticator({ origin });
  const options = await (await c.call('/api/passkeys/register/options', { method: 'POST', json: {} })).json();
  const res = await c.call('/api/passkeys/register/verify', { method: 'POST', json: { response: device.register(options), name: 'Phone' } });
  return { device, id: (await res.json()).passkey.id as string };
}

describe('removing a passkey', () => {
  it('ends every session that passkey opened, in the same commit, and leaves the others', async () => {
    const { device, id } = await secondPasskey(me);
    const phone = await signedInCaller(app, device);
    const phoneAgain = await signedInCaller(app, device);
    const laptop = await signedInCaller(app, me.authenticator);
    expect((await me.call(`/api/me/passkeys/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await alive(phone)).toBe(false);
    expect(await alive(phoneAgain)).toBe(false);
    expect(await alive(me)).toBe(true);
    expect(await alive(laptop)).toBe(true);
    expect(await events('passkey.removed')).toEqual([{ consumer_id: me.consumerId, detail: { passkey: id, sessions_ended: 2 } }]);
  });

  it('signs out the calling session when it was opened by the passkey removed', async () => {
    const { device, id } = await secondPasskey(me);
    const phone = await signedInCaller(app, device);
    const res = await phone.call(`/api/me/passkeys/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/trove_session=;.*Max-Age=0/i);
    expect(await alive(phone)).toBe(false);
    expect(await alive(me)).toBe(true);
  });
});

describe('the sessions list', () => {
  it('shows each live session with a coarse device hint, when it was opened and last seen, how, and which is this one', async () => {
    const firefox = await signedInCaller(app, me.authenticator, { 'user-agent': FIREFOX_LINUX });
    deps.clock.advance(90_000);
    const iphone = await signedInCaller(app, me.authenticator, { 'user-agent': SAFARI_IPHONE });
    const sessions = await list(firefox);
    expect(sessions).toHaveLength(3);
    expect(sessions[0]).toMatchObject({ device: 'Firefox on Linux', current: true, signed_in_with: { type: 'passkey', passkey: { name: 'Test key' } } });
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions.map((s) => s.device).sort()).toEqual(['Firefox on Linux', 'Safari on iOS', null].sort());
    const phone = sessions.find((s) => s.device === 'Safari on iOS')!;
    expect(phone.created_at).toBe(deps.clock.now());
    expect(phone.last_seen_at).toBe(deps.clock.now());
    // The raw header is not kept anywhere, and the listed id is not the cookie's hash.
    const rows = await deps.store.db.selectFrom('sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain('Gecko');
    expect(rows.map((r) => r.id_hash)).not.toContain(phone.id);
    expect((await list(iphone)).find((s) => s.current)!.device).toBe('Safari on iOS');
  });

  it('never shows another consumer’s sessions, nor ended ones', async () => {
    const other = await signedUpCaller(app, origin);
    expect((await list(other)).map((s) => s.current)).toEqual([true]);
    const idle = await signedInCaller(app, me.authenticator);
    deps.clock.advance(SESSION_IDLE_MS - 1000);
    expect(await alive(me)).toBe(true);
    deps.clock.advance(2000);
    expect((await list(me)).length).toBe(1);
    expect(await alive(idle)).toBe(false);
  });

  it('ends one session by its id, audited with ids only; another consumer’s id is not found', async () => {
    const other = await signedInCaller(app, me.authenticator);
    const target = (await list(me)).find((s) => !s.current)!;
    const stranger = await signedUpCaller(app, origin);
    expect((await stranger.call(`/api/me/sessions/${target.id}`, { method: 'DELETE' })).status).toBe(404);
    expect(await alive(other)).toBe(true);
    expect((await me.call(`/api/me/sessions/${target.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await alive(other)).toBe(false);
    expect(await alive(me)).toBe(true);
    expect((await me.call(`/api/me/sessions/${target.id}`, { method: 'DELETE' })).status).toBe(404);
    expect(await events('session.revoked')).toEqual([{ consumer_id: me.consumerId, detail: { session: target.id, current: false } }]);
  });

  it('ends the current session when asked, which signs out', async () => {
    const current = (await list(me)).find((s) => s.current)!;
    const res = await me.call(`/api/me/sessions/${current.id}`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/trove_session=;/);
    expect(await alive(me)).toBe(false);
  });

  it('signs out everywhere else, keeping this session, audited', async () => {
    const others = [await signedInCaller(app, me.authenticator), await signedInCaller(app, me.authenticator)];
    const stranger = await signedUpCaller(app, origin);
    const res = await me.call('/api/me/sessions/revoke-others', { method: 'POST', json: {} });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ended: 2 });
    for (const o of others) expect(await alive(o)).toBe(false);
    expect(await alive(me)).toBe(true);
    expect(await alive(stranger)).toBe(true);
    expect((await list(me)).map((s) => s.current)).toEqual([true]);
    const [event] = await events('session.revoked_others');
    expect(event!.detail).toMatchObject({ count: 2 });
  });
});

describe('device hints', () => {
  it('read browser and OS coarsely, bounded, and nothing from an empty or unknown header', () => {
    expect(deviceHint(FIREFOX_LINUX)).toBe('Firefox on Linux');
    expect(deviceHint(SAFARI_IPHONE)).toBe('Safari on iOS');
    expect(deviceHint('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36 Edg/140.0.0.0')).toBe(
      'Edge on Windows',
    );
    expect(deviceHint('Mozilla/5.0 (Linux; Android 15) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Mobile Safari/537.36')).toBe(
      'Chrome on Android',
    );
    expect(deviceHint('curl/8.5.0')).toBeNull();
    expect(deviceHint(undefined)).toBeNull();
    expect(deviceHint(`${'x'.repeat(10_000)} Firefox/1`)).toBeNull();
  });
});

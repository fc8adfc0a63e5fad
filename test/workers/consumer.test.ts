// The consumer's core path inside workerd against D1: passkey sign-up, sign-in and an
// attribute write, through the Worker's fetch entry with the software authenticator.
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { createAuthenticator } from '../helpers/webauthn-authenticator.ts';

const ORIGIN = 'http://localhost:8787';
const call = (path: string, init: { method?: string; json?: unknown; headers?: Record<string, string> } = {}) =>
  exports.default.fetch(
    new Request(`${ORIGIN}${path}`, {
      method: init.method ?? 'POST',
      headers: { 'content-type': 'application/json', ...init.headers },
      ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
    }),
  );
const cookieOf = (res: Response) => /trove_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')?.[0] ?? '';

describe('consumers on workerd + D1', () => {
  it('signs up and in with a passkey and writes a sealed attribute', async () => {
    const authenticator = createAuthenticator({ origin: ORIGIN });
    const regOptions = await (await call('/api/passkeys/register/options', { json: {} })).json<never>();
    const signUp = await call('/api/passkeys/register/verify', { json: { response: authenticator.register(regOptions) } });
    expect(signUp.status).toBe(200);

    const loginOptions = await (await call('/api/passkeys/login/options', { json: {} })).json<never>();
    const signIn = await call('/api/passkeys/login/verify', { json: authenticator.authenticate(loginOptions) });
    expect(signIn.status).toBe(200);
    const { consumer, csrf_token } = await signIn.json<{ consumer: { id: string }; csrf_token: string }>();
    const headers = { cookie: cookieOf(signIn), 'x-csrf-token': csrf_token };

    const put = await call('/api/me/attributes/email', { method: 'PUT', json: { value: 'ada@example.com' }, headers });
    expect(put.status).toBe(200);
    const list = await call('/api/me/attributes', { method: 'GET', headers });
    expect(await list.json()).toMatchObject({ attributes: [{ name: 'email', value: 'ada@example.com' }] });

    const row = await env.DB.prepare('SELECT ciphertext FROM attributes WHERE consumer_id = ?').bind(consumer.id).first<{ ciphertext: string }>();
    expect(row!.ciphertext).not.toContain('ada@');
    const replay = await call('/api/passkeys/login/verify', { json: authenticator.authenticate(loginOptions) });
    expect(replay.status).toBe(401);
  });
});

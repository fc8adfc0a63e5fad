// Grant → read → revoke → denied inside workerd against D1, through the Worker entry,
// with a brand registered by the operator feature on the same D1.
import { env, exports } from 'cloudflare:workers';
import sodium from 'libsodium-wrappers';
import { describe, expect, it } from 'vitest';
import { boot } from '../../src/boot.ts';
import { systemClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/config.ts';
import { silentLog } from '../../src/deps.ts';
import { fromB64u } from '../../src/crypto/encoding.ts';
import { registerBrand } from '../../src/features/brands/register-brand.ts';
import { createD1Store, type D1Like } from '../../src/runtime/store/d1/store.ts';
import { openLibsodiumGate } from '../../src/runtime/workers/sodium-shim.ts';
import { createAuthenticator } from '../helpers/webauthn-authenticator.ts';

const ORIGIN = 'http://localhost:8787';
const REDIRECT = 'https://brand.example/callback';
const fetchWorker = (path: string, init: RequestInit = {}) => exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
const json = (method: string, body: unknown, headers: Record<string, string> = {}) => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

async function sha256b64u(text: string) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

describe('grants on workerd + D1', () => {
  it('grants, reads with an audit event, revokes, and refuses the next read', async () => {
    openLibsodiumGate();
    await sodium.ready;
    const deps = await boot(
      {
        config: parseConfig({ TROVE_MASTER_KEY: env.TROVE_MASTER_KEY }),
        store: createD1Store(env.DB as unknown as D1Like, systemClock),
        clock: systemClock,
        sodium,
        log: silentLog,
        checkpointEvery: 1000,
      },
      fromB64u(env.TROVE_MASTER_KEY),
    );
    const brand = await registerBrand(deps, { name: 'Edge Shoes', redirect_uris: [REDIRECT], auth: { method: 'client_secret_basic' } });
    const basic = `Basic ${btoa(`${brand.client_id}:${brand.client_secret}`)}`;

    const auth = createAuthenticator({ origin: ORIGIN });
    const opts = await (await fetchWorker('/api/passkeys/register/options', json('POST', {}))).json<never>();
    const signUp = await fetchWorker('/api/passkeys/register/verify', json('POST', { response: auth.register(opts) }));
    const { csrf_token } = await signUp.json<{ csrf_token: string }>();
    const session = { cookie: /trove_session=[^;]+/.exec(signUp.headers.get('set-cookie')!)![0], 'x-csrf-token': csrf_token };
    await fetchWorker('/api/me/attributes/email', json('PUT', { value: 'edge@example.com' }, session));

    const verifier = 'v'.repeat(43);
    const par = await fetchWorker('/oauth/par', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: new URLSearchParams({
        response_type: 'code',
        redirect_uri: REDIRECT,
        code_challenge_method: 'S256',
        code_challenge: await sha256b64u(verifier),
        authorization_details: JSON.stringify([
          {
            type: 'trove_attributes',
            attributes: ['email'],
            purpose: 'https://w3id.org/dpv#CustomerCare',
            purpose_description: 'Answer you',
            access: 'ongoing',
            duration: 'P30D',
          },
        ]),
      }).toString(),
    });
    expect(par.status).toBe(201);
    const id = (await par.json<{ request_uri: string }>()).request_uri.split(':').at(-1)!;
    const approved = await fetchWorker(`/api/me/requests/${id}/approve`, json('POST', {}, session));
    const code = new URL((await approved.json<{ redirect_to: string }>()).redirect_to).searchParams.get('code')!;
    const token = await fetchWorker('/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).toString(),
    });
    expect(token.status).toBe(200);
    const { access_token, grant_id } = await token.json<{ access_token: string; grant_id: string }>();

    const readOk = await fetchWorker('/v1/attributes', { headers: { authorization: `Bearer ${access_token}` } });
    expect(readOk.status).toBe(200);
    expect(await readOk.json()).toMatchObject({ attributes: { email: 'edge@example.com' } });

    expect((await fetchWorker(`/api/me/grants/${grant_id}/revoke`, json('POST', {}, session))).status).toBe(200);
    const denied = await fetchWorker('/v1/attributes', { headers: { authorization: `Bearer ${access_token}` } });
    expect(denied.status).toBe(403);

    const events = await env.DB.prepare("SELECT outcome, reason FROM audit_events WHERE action = 'grant.read' AND grant_id = ? ORDER BY seq")
      .bind(grant_id)
      .all<{ outcome: string; reason: string | null }>();
    expect(events.results).toEqual([
      { outcome: 'success', reason: null },
      { outcome: 'denied', reason: 'revoked' },
    ]);
  });
});

// Webhook retries on Workers run on their backoff schedule: the dispatcher Durable Object's
// alarm, not the cron (which this project never fires), sends them. A consumer's revocation
// through the Worker entry queues a grant.revoked SET for a brand whose real receiver
// (test/workers/receiver-setup.ts, in Node on loopback) fails the first two attempts.
import { env, exports } from 'cloudflare:workers';
import { createExecutionContext, createScheduledController, runInDurableObject, waitOnExecutionContext } from 'cloudflare:test';
import sodium from 'libsodium-wrappers';
import { describe, expect, inject, it } from 'vitest';
import { boot } from '../../src/boot.ts';
import { systemClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/config.ts';
import { silentLog } from '../../src/deps.ts';
import { fromB64u } from '../../src/crypto/encoding.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { registerBrand } from '../../src/features/brands/register-brand.ts';
import { queueEvent } from '../../src/features/webhooks/security-event.ts';
import { createD1Store, type D1Like } from '../../src/runtime/store/d1/store.ts';
import { openLibsodiumGate } from '../../src/runtime/workers/sodium-shim.ts';
import worker from '../../src/runtime/workers/worker.ts';
import { createAuthenticator } from '../helpers/webauthn-authenticator.ts';

const ORIGIN = 'http://localhost:8787';
const REDIRECT = 'https://brand.example/callback';
const receiver = inject('webhookReceiver');
const fetchWorker = (path: string, init: RequestInit = {}) => exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
const json = (method: string, body: unknown, headers: Record<string, string> = {}) => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

type Attempt = { at: number; status: number; jti: string | null };
const attemptsAt = async (name: string) => (await fetch(`${receiver}/attempts/${name}`)).json<Attempt[]>();

async function testDeps() {
  openLibsodiumGate();
  await sodium.ready;
  const config = parseConfig({ TROVE_MASTER_KEY: env.TROVE_MASTER_KEY, TROVE_WEBHOOK_ALLOW_PRIVATE: 'true' });
  const store = createD1Store(env.DB as unknown as D1Like, systemClock);
  return boot({ config, store, clock: systemClock, sodium, log: silentLog, checkpointEvery: 1000 }, fromB64u(env.TROVE_MASTER_KEY));
}

async function sha256b64u(text: string) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** A consumer grants `email` to the brand through the Worker; returns the grant id and the consumer's session headers. */
async function grantThroughWorker(brand: { client_id: string; client_secret?: string }) {
  const basic = `Basic ${btoa(`${brand.client_id}:${brand.client_secret}`)}`;
  const auth = createAuthenticator({ origin: ORIGIN });
  const opts = await (await fetchWorker('/api/passkeys/register/options', json('POST', {}))).json<never>();
  const signUp = await fetchWorker('/api/passkeys/register/verify', json('POST', { response: auth.register(opts) }));
  const { csrf_token } = await signUp.json<{ csrf_token: string }>();
  const session = { cookie: /trove_session=[^;]+/.exec(signUp.headers.get('set-cookie')!)![0], 'x-csrf-token': csrf_token };
  await fetchWorker('/api/me/attributes/email', json('PUT', { value: 'edge@example.com' }, session));
  const verifier = 'v'.repeat(43);
  const details = [
    {
      type: 'trove_attributes',
      attributes: ['email'],
      purpose: 'https://w3id.org/dpv#CustomerCare',
      purpose_description: 'Answer you',
      access: 'ongoing',
      duration: 'P30D',
    },
  ];
  const par = await fetchWorker('/oauth/par', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
    body: new URLSearchParams({
      response_type: 'code',
      redirect_uri: REDIRECT,
      code_challenge_method: 'S256',
      code_challenge: await sha256b64u(verifier),
      authorization_details: JSON.stringify(details),
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
  return { grantId: (await token.json<{ grant_id: string }>()).grant_id, session };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const dispatcherAlarm = () => runInDurableObject(env.DISPATCHER.get(env.DISPATCHER.idFromName('webhooks')), (_o, state) => state.storage.getAlarm());

describe('webhook retries on workerd', () => {
  it('retries a failing receiver after about 1 s and 2 s, from the dispatcher alarm, and audits the delivery once', async () => {
    const deps = await testDeps();
    const brand = await registerBrand(deps, {
      name: 'Retry Shoes',
      redirect_uris: [REDIRECT],
      auth: { method: 'client_secret_basic' },
      webhook_url: `${receiver}/hooks/retry-shoes?fail=2`,
    });
    const { grantId, session } = await grantThroughWorker(brand);

    const revokedAt = Date.now();
    expect((await fetchWorker(`/api/me/grants/${grantId}/revoke`, json('POST', {}, session))).status).toBe(200);
    const attempts = await waitFor(
      'the third attempt',
      async () => {
        const list = await attemptsAt('retry-shoes');
        return list.length >= 3 ? list : undefined;
      },
      15_000,
    );

    expect(attempts.map((a) => a.status)).toEqual([503, 503, 202]);
    expect(new Set(attempts.map((a) => a.jti)).size).toBe(1); // one SET, sent three times
    const [first, second, third] = attempts as [Attempt, Attempt, Attempt];
    // The first goes out at once; then backoff(1) = 1 s and backoff(2) = 2 s, each ±50 % jitter
    // (the upper bounds leave room for a loaded machine; the cron would take up to a minute).
    expect(first.at - revokedAt).toBeLessThan(1500);
    expect(second.at - first.at).toBeGreaterThanOrEqual(450);
    expect(second.at - first.at).toBeLessThanOrEqual(1500 + 750);
    expect(third.at - second.at).toBeGreaterThanOrEqual(950);
    expect(third.at - second.at).toBeLessThanOrEqual(3000 + 750);
    expect(third.at - first.at).toBeLessThanOrEqual(4500 + 1000);

    const row = await waitFor(
      'the delivery recorded',
      async () => {
        const r = await env.DB.prepare('SELECT id, status, attempts FROM webhook_deliveries WHERE brand_id = ?')
          .bind(brand.client_id)
          .first<{ id: string; status: string; attempts: number }>();
        return r?.status === 'delivered' ? r : undefined;
      },
      5_000,
    );
    expect(row.attempts).toBe(3);
    const audited = await env.DB.prepare("SELECT outcome, detail FROM audit_events WHERE action = 'webhook.delivered' AND brand_id = ?")
      .bind(brand.client_id)
      .all<{ outcome: string; detail: string }>();
    expect(audited.results).toHaveLength(1);
    expect(audited.results[0]!.outcome).toBe('success');
    expect(JSON.parse(audited.results[0]!.detail)).toMatchObject({ delivery: row.id, attempts: 3 });
    // Nothing is pending any more, so the dispatcher sleeps without an alarm; no further attempt comes.
    expect(await dispatcherAlarm()).toBeNull();
    await new Promise((r) => setTimeout(r, 500));
    expect(await attemptsAt('retry-shoes')).toHaveLength(3);
  });

  it('the cron, the safety net, re-arms the dispatcher at the earliest pending due time', async () => {
    const deps = await testDeps();
    const brand = await registerBrand(deps, {
      name: 'Later Shoes',
      redirect_uris: [REDIRECT],
      auth: { method: 'client_secret_basic' },
    });
    // A delivery queued behind the dispatcher's back (no wake), due in two minutes.
    const dueAt = Date.now() + 120_000;
    const hook = `${receiver}/hooks/later-shoes`;
    const [insert] = await queueEvent(deps, { id: brand.client_id, webhook_url: hook }, null, 'grant.revoked', 'sub', {});
    await commit(deps, { writes: [insert!] });
    await env.DB.prepare('UPDATE webhook_deliveries SET next_attempt_at = ? WHERE brand_id = ?').bind(dueAt, brand.client_id).run();
    expect(await dispatcherAlarm()).toBeNull();

    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '* * * * *' }), env as never, ctx);
    await waitOnExecutionContext(ctx);
    expect(await dispatcherAlarm()).toBe(dueAt);
    expect(await attemptsAt('later-shoes')).toEqual([]);
  });
});

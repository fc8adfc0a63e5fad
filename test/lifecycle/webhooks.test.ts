import * as jose from 'jose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { registerBrand } from '../../src/features/brands/register-brand.ts';
import { expireDueGrants } from '../../src/features/grants/expire-grants.ts';
import { backoff, deliverDue, MAX_ATTEMPTS } from '../../src/features/webhooks/dispatch.ts';
import { startBackground } from '../../src/runtime/node/background.ts';
import { createNodeOutbound } from '../../src/runtime/node/outbound.ts';
import { REDIRECT, shoeDetails } from '../helpers/brands.ts';
import { connectionCounter } from '../helpers/probe-servers.ts';
import { signedInConsumer } from '../helpers/consumer.ts';
import { sqliteTestDeps, testDeps, type TestDeps } from '../helpers/deps.ts';
import { form, read, tokensFor } from '../helpers/raw-oauth.ts';
import { startReceiver } from '../helpers/receiver.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(depsIn?: TestDeps) {
  const deps = depsIn ?? (await testDeps({ allowPrivateWebhooks: true }));
  const receiver = await startReceiver();
  cleanups.push(receiver.close);
  const app = createApp(deps);
  const me = await signedInConsumer(deps, app);
  await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'ada@example.com' } });
  const r = await registerBrand(deps, { name: 'Hooked', redirect_uris: [REDIRECT], auth: { method: 'client_secret_basic' }, webhook_url: receiver.url });
  const brand = { clientId: r.client_id, secret: r.client_secret! };
  return { deps, receiver, app, me, brand };
}

async function verifySet(deps: TestDeps, app: ReturnType<typeof createApp>, jwt: string, audience: string) {
  const jwks = jose.createLocalJWKSet(await (await app.request('/.well-known/jwks.json')).json());
  const { payload, protectedHeader } = await jose.jwtVerify(jwt, jwks, {
    issuer: deps.config.origin,
    audience,
    typ: 'secevent+jwt',
    currentDate: new Date(deps.clock.now()),
  });
  expect(protectedHeader.alg).toBe('EdDSA');
  return payload as { sub: string; events: Record<string, Record<string, unknown>> };
}

describe('revocation events to brands', () => {
  it('push a signed grant.revoked SET to the brand within 2 s of the revocation', async () => {
    const { deps, receiver, app, me, brand } = await setup();
    const bg = startBackground(deps, { tickMs: 5000, sweepMs: 600_000 });
    cleanups.push(bg.stop);
    const tokens = await tokensFor(app, brand, me);
    const sub = (await (await read(app, tokens.access_token)).json()).sub;
    const t0 = Date.now();
    await me.call(`/api/me/grants/${tokens.grant_id}/revoke`, { method: 'POST' });
    await receiver.waitFor(1, 2000);
    expect(receiver.received[0]!.at - t0).toBeLessThan(2000);
    expect(receiver.received[0]!.contentType).toBe('application/secevent+jwt');
    const set = await verifySet(deps, app, receiver.received[0]!.body, brand.clientId);
    expect(set.sub).toBe(sub);
    expect(set.events['https://trove.dev/events/grant.revoked']).toMatchObject({ grant_id: tokens.grant_id, reason: 'consumer_revoked' });
    expect(JSON.stringify(set)).not.toContain('ada@example.com');
  });

  it('retry with backoff: a receiver failing three times gets the event exactly once more', async () => {
    const { deps, receiver, app, me, brand } = await setup();
    const tokens = await tokensFor(app, brand, me);
    receiver.failNext(3);
    await me.call(`/api/me/grants/${tokens.grant_id}/revoke`, { method: 'POST' });
    for (let failure = 1; failure <= 3; failure++) {
      expect(await deliverDue(deps)).toBe(1);
      // Not due again until its backoff has passed.
      expect(await deliverDue(deps)).toBe(0);
      deps.clock.advance(backoff(failure, () => 1) + 1);
    }
    expect(await deliverDue(deps)).toBe(1);
    deps.clock.advance(24 * 3600_000);
    expect(await deliverDue(deps)).toBe(0);
    expect(receiver.received).toHaveLength(1);
    const cc = await (await form(app, '/oauth/token', brand, { grant_type: 'client_credentials' })).json();
    const log = await (await app.request('/v1/webhooks/deliveries', { headers: { authorization: `Bearer ${cc.access_token}` } })).json();
    expect(log.deliveries).toEqual([expect.objectContaining({ event_type: 'grant.revoked', status: 'delivered', attempts: 4, last_status: 202 })]);
  });

  it('gives up after the last attempt and records the failure', async () => {
    const { deps, receiver, app, me, brand } = await setup();
    const tokens = await tokensFor(app, brand, me);
    receiver.failNext(100);
    await me.call(`/api/me/grants/${tokens.grant_id}/revoke`, { method: 'POST' });
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await deliverDue(deps);
      deps.clock.advance(2 * 3600_000);
    }
    const row = await deps.store.db.selectFrom('webhook_deliveries').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS, last_error: 'HTTP 503' });
    const failed = await deps.store.db.selectFrom('audit_events').select('outcome').where('action', '=', 'webhook.delivered').execute();
    expect(failed).toEqual([{ outcome: 'failure' }]);
  });

  it('loses nothing across a restart: undelivered events go out from the next process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trove-hooks-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'trove.db');
    const first = await sqliteTestDeps({ file, allowPrivateWebhooks: true });
    const { receiver, app, me, brand } = await setup(first);
    const tokens = await tokensFor(app, brand, me);
    await me.call(`/api/me/grants/${tokens.grant_id}/revoke`, { method: 'POST' });
    await first.store.close(); // the process dies before its dispatcher ran
    const second = await sqliteTestDeps({ file, allowPrivateWebhooks: true });
    cleanups.push(() => second.store.close());
    const bg = startBackground(second, { tickMs: 100, sweepMs: 600_000 });
    cleanups.push(bg.stop);
    await receiver.waitFor(1, 3000);
    expect(receiver.received).toHaveLength(1);
  });

  it('sends grant.expired when an expired grant is swept, and its next read is refused', async () => {
    const { deps, receiver, app, me, brand } = await setup();
    const tokens = await tokensFor(app, brand, me, { details: shoeDetails({ duration: 'PT4M' }) });
    deps.clock.advance(4 * 60_000 + 1);
    expect((await read(app, tokens.access_token)).status).toBe(403);
    expect(await expireDueGrants(deps)).toBe(1);
    await deliverDue(deps);
    const set = await verifySet(deps, app, receiver.received[0]!.body, brand.clientId);
    expect(Object.keys(set.events)).toEqual(['https://trove.dev/events/grant.expired']);
    const grant = await deps.store.db.selectFrom('grants').select('status').where('id', '=', tokens.grant_id).executeTakeFirstOrThrow();
    expect(grant.status).toBe('expired');
  });

  it('sends grant.attributes_changed with names only when the consumer edits a granted attribute', async () => {
    const { deps, receiver, app, me, brand } = await setup();
    await tokensFor(app, brand, me);
    await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'new@example.com' } });
    await me.call('/api/me/attributes/phone', { method: 'PUT', json: { value: '+31 6 1234 5678' } }); // not granted: no event
    await deliverDue(deps);
    expect(receiver.received).toHaveLength(1);
    const set = await verifySet(deps, app, receiver.received[0]!.body, brand.clientId);
    expect(set.events['https://trove.dev/events/grant.attributes_changed']).toMatchObject({ attributes: ['email'] });
    expect(receiver.received[0]!.body).not.toContain('new@example.com');
  });
});

describe('webhook URL policy', () => {
  it.each([
    'http://127.0.0.1/hook',
    'https://10.0.0.8/hook',
    'https://localhost/hook',
    'https://[::1]/hook',
    'https://169.254.169.254/latest',
    'ftp://brand.example/hook',
    'https://user:pw@brand.example/hook',
  ])('refuses %s unless private addresses are allowed', async (url) => {
    const deps = await testDeps();
    await expect(registerBrand(deps, { name: 'X', redirect_uris: [REDIRECT], auth: { method: 'client_secret_basic' }, webhook_url: url })).rejects.toThrow(
      /webhook_url/,
    );
  });

  it.each([
    'https://192.0.2.2:9390/h',
    'https://[::ffff:127.0.0.1]/h',
    'https://[::ffff:a9fe:a9fe]/h',
    'https://[64:ff9b::7f00:1]/h',
    'https://[fec0::1]/h',
    'https://localhost./h',
  ])('refuses %s, a form the old policy let through', async (url) => {
    const deps = await testDeps();
    await expect(registerBrand(deps, { name: 'X', redirect_uris: [REDIRECT], auth: { method: 'client_secret_basic' }, webhook_url: url })).rejects.toThrow(
      /webhook_url/,
    );
  });

  it('refuses at delivery a URL that passed registration but now resolves to loopback, recording no address', async () => {
    const deps = await testDeps();
    const probe = await connectionCounter();
    cleanups.push(probe.close);
    const app = createApp(deps);
    const me = await signedInConsumer(deps, app);
    await me.call('/api/me/attributes/email', { method: 'PUT', json: { value: 'ada@example.com' } });
    const r = await registerBrand(deps, {
      name: 'Rebound',
      redirect_uris: [REDIRECT],
      auth: { method: 'client_secret_basic' },
      webhook_url: `https://hooks.brand.example:${probe.port}/trove`,
    });
    const tokens = await tokensFor(app, { clientId: r.client_id, secret: r.client_secret! }, me);
    await me.call(`/api/me/grants/${tokens.grant_id}/revoke`, { method: 'POST' });
    // The brand's DNS now answers a public address first and loopback second (rebinding).
    const asked: string[] = [];
    deps.outbound = createNodeOutbound({
      allowPrivate: false,
      resolve: async (name) => {
        asked.push(name);
        return [
          { address: '93.184.215.14', family: 4 },
          { address: '127.0.0.1', family: 4 },
        ];
      },
    });
    expect(await deliverDue(deps)).toBe(1);
    const row = await deps.store.db.selectFrom('webhook_deliveries').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1, last_status: null, last_error: 'URL refused: resolves to an address Trove does not call' });
    expect(asked).toEqual(['hooks.brand.example']);
    expect(probe.connections()).toBe(0);
  });

  it('accepts a public https URL', async () => {
    const deps = await testDeps();
    await expect(
      registerBrand(deps, { name: 'X', redirect_uris: [REDIRECT], auth: { method: 'client_secret_basic' }, webhook_url: 'https://hooks.brand.example/trove' }),
    ).resolves.toBeTruthy();
  });
});

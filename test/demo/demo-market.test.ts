// The two demo shops on the market, against a real Trove process: a consumer proffering
// "service delivery only" publishes an intent; both shops (which accept it) answer with an
// offer within a second of the publication, woken by the signed intent.created event; the
// consumer accepts Pace's; after approval Pace exchanges the code, reads, records the value
// it promised in the consumer's ledger (under the grant's agreement) and countersigns the
// receipt; Stride's page says only that its offer was not taken.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDemoBrand } from '../../demo/register.ts';
import { startDemoBrand } from '../../demo/start-demo-brand.ts';
import { caller, type Caller } from '../helpers/consumer.ts';
import { liveServer, type LiveServer } from '../helpers/live-server.ts';
import { sessionCookie, signUp } from '../helpers/passkey-client.ts';
import { unusedPort } from '../helpers/unused-port.ts';

let live: LiveServer;
const shops: Record<'stride' | 'pace', Awaited<ReturnType<typeof startDemoBrand>> & { clientId: string }> = {} as never;
let me: Caller;

beforeAll(async () => {
  live = await liveServer({ TROVE_WEBHOOK_ALLOW_PRIVATE: 'true' });
  await live.start();
  for (const shop of ['stride', 'pace'] as const) {
    const port = await unusedPort();
    const brand = registerDemoBrand(live.cliEnv(), `http://localhost:${port}`, shop);
    const site = await startDemoBrand({ troveOrigin: live.origin, port, clientId: brand.client_id, clientSecret: brand.client_secret, shop });
    shops[shop] = { ...site, clientId: brand.client_id };
  }
  const { res } = await signUp(live.asApp as never, live.origin);
  const body = await res.json();
  me = caller(live.asApp as never, sessionCookie(res)!, body.csrf_token, body.consumer.id);
  for (const [name, value] of [
    ['shoe_size', { size: 42, system: 'EU' }],
    ['email', 'runner@example.com'],
  ] as const) {
    const put = await me.call(`/api/me/attributes/${name}`, { method: 'PUT', json: { value } });
    if (put.status !== 200) throw new Error(`${name}: ${await put.text()}`);
  }
}, 60_000);

afterAll(async () => {
  for (const s of Object.values(shops)) await s.close();
  await live?.cleanup();
});

const at = (s: { url: string }, path: string) => fetch(`${s.url.replace('localhost', '127.0.0.1')}${path}`, { redirect: 'manual' });

describe('the demo shops on the market', () => {
  let intentId: string;

  it('both answer an intent under terms they accept within a second, knowing it only by its pseudonym', async () => {
    expect((await me.call('/api/me/terms', { method: 'PUT', json: { term: 'sd-base' } })).status).toBe(200);
    const t0 = Date.now();
    const res = await me.call('/api/me/intents', { method: 'POST', json: { text: 'Trail running shoes, size 42', category: 'shoes', market: true } });
    expect(res.status).toBe(201);
    const created = await res.json();
    intentId = created.id;
    for (const s of Object.values(shops)) {
      await expect.poll(() => s.offers.length, { timeout: 1000, interval: 20 }).toBe(1);
      expect(Date.parse(s.offers[0]!.made_at) - t0).toBeLessThan(1000);
      expect(s.offers[0]).toMatchObject({ intent: created.market.id, text: 'Trail running shoes, size 42', status: 'open' });
    }
    const { offers } = await (await me.call(`/api/me/intents/${intentId}/offers`)).json();
    expect(offers.map((o: { brand: { name: string } }) => o.brand.name).sort()).toEqual(['Pace Running', 'Stride & Co']);
    expect(offers.every((o: { terms_match: boolean }) => o.terms_match)).toBe(true);
  });

  it('the accepted shop reads, records the value it promised and countersigns the receipt; the other learns only “not taken”', async () => {
    const { offers } = await (await me.call(`/api/me/intents/${intentId}/offers`)).json();
    const pace = offers.find((o: { brand: { client_id: string } }) => o.brand.client_id === shops.pace.clientId);
    expect(pace.offer).toMatchObject({ kind: 'money', amount: 20, currency: 'EUR' });
    const { request_id } = await (await me.call(`/api/me/offers/${pace.id}/accept`, { method: 'POST' })).json();
    const approved = await (await me.call(`/api/me/requests/${request_id}/approve`, { method: 'POST', json: {} })).json();
    const callback = new URL(approved.redirect_to);
    expect((await at(shops.pace, `${callback.pathname}${callback.search}`)).status).toBe(303);

    const page = await (await at(shops.pace, '/')).text();
    expect(page).toContain('data-testid="value-email">runner@example.com<');
    expect(page).toMatch(/data-testid="reward">€20 cashback on your pair: your code <strong>PACE20-[0-9A-F]{6}<\/strong>/);
    expect(page).toContain('Recorded in your Trove value ledger. We countersigned your consent receipt');
    expect(shops.pace.offers[0]!.status).toBe('taken');

    const ledger = await (await me.call('/api/me/value')).json();
    const entry = ledger.brands.find((b: { client_id: string }) => b.client_id === shops.pace.clientId);
    expect(entry.received).toEqual([expect.objectContaining({ kind: 'money', amount: 20, unit: 'EUR', agreement: 'sd-base' })]);
    const grant = await (await me.call(`/api/me/grants/${entry.promised[0].grant_id}`)).json();
    const receipt = await (await me.call(`/api/me/receipts/${grant.receipts[0].id}`)).json();
    expect(receipt.countersignature).toEqual(expect.any(String));

    expect(await (await at(shops.stride, '/')).text()).toMatch(
      /data-market-offer="[^"]+">“Trail running shoes, size 42”: 15% off the pair you are looking for — <span>not taken<\/span>/,
    );
  });
});

// Live offers, second part (issue 24): the stream carries status changes of the offers it
// sent (accepted or declined in another tab, not taken, expired) as "status" events, and an
// offer is audited as shown once per consumer however the stream resumes — in the same
// millisecond as the cursor, from an older cursor, from none, or from two tabs at once.
import { createHash, randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { registerBrand } from '../../src/features/brands/register-brand.ts';
import { cursorOf, offerEvents, streamChanges, streamState, type StreamEvent } from '../../src/features/market/offer-stream.ts';
import { REDIRECT } from '../helpers/brands.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { form } from '../helpers/raw-oauth.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let me: Caller;
let intent: { id: string; market: { id: string } };
let token: string;
let token2: string;

async function offerOn(description: string, expiresInMs = 24 * 3600_000, by = token) {
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  const res = await app.request(`/v1/intents/${intent.market.id}/offers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${by}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      offer: { kind: 'discount', description, amount: 10, unit: '%' },
      request: {
        type: 'trove_attributes',
        attributes: ['email'],
        purpose: 'https://w3id.org/dpv#ServiceProvision',
        purpose_description: 'To send you the offer',
        access: 'once',
        duration: 'P7D',
        agreement: 'sd-base',
      },
      redirect_uri: REDIRECT,
      code_challenge: challenge,
      expires_at: new Date(deps.clock.now() + expiresInMs).toISOString(),
    }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function brandToken(name: string) {
  const r = await registerBrand(deps, { name, redirect_uris: [REDIRECT], auth: { method: 'client_secret_basic' }, accepted_terms: ['sd-base'] });
  const res = await form(app, '/oauth/token', { clientId: r.client_id, secret: r.client_secret! }, { grant_type: 'client_credentials' });
  return (await res.json()).access_token as string;
}

/** How many offers the audit log says were shown live, in all. */
async function shownLive(): Promise<number> {
  const rows = await deps.store.db.selectFrom('audit_events').select('detail').where('action', '=', 'offer.shown').execute();
  return rows
    .map((r) => (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as { offers: number; live?: boolean })
    .filter((d) => d.live)
    .reduce((n, d) => n + d.offers, 0);
}

const offersIn = (events: StreamEvent[]) => events.flatMap((e) => (e.event === 'offer' ? [e.offer.id] : []));
const statusesIn = (events: StreamEvent[]) => events.flatMap((e) => (e.event === 'status' ? [[e.id, e.status]] : []));

beforeEach(async () => {
  deps = await testDeps();
  app = createApp(deps);
  me = await signedInConsumer(deps, app);
  token = await brandToken('Stride');
  token2 = await brandToken('Pace');
  await me.call('/api/me/terms', { method: 'PUT', json: { term: 'sd-base' } });
  intent = await (await me.call('/api/me/intents', { method: 'POST', json: { text: 'Running shoes', category: 'shoes', market: true } })).json();
});

describe('an offer is audited as shown once', () => {
  it('however a stream resumes: in the same millisecond as its cursor, from an older one, or from none', async () => {
    // The fixed clock gives all three the same created_at: their order is their ids'.
    const made = [await offerOn('A'), await offerOn('B'), await offerOn('C')].sort();
    const first = streamState(null);
    expect(offersIn(await streamChanges(deps, me.consumerId, intent.id, first))).toEqual(made);
    expect(await shownLive()).toBe(3);

    const at = deps.clock.now();
    for (const after of [`${at}:${made[2]}`, `${at}:${made[0]}`, `${at - 1}:${made[0]}`, null]) {
      const resumed = streamState(after);
      const sent = offersIn(await streamChanges(deps, me.consumerId, intent.id, resumed));
      // Only what comes after the cursor is sent again, and nothing is audited again.
      expect(sent).toEqual(after ? made.filter((id) => cursorOf({ id, created_at: at }) > after) : made);
      expect(await shownLive()).toBe(3);
    }
  });

  it('sends an offer a slower commit put behind the cursor, and audits it once', async () => {
    const early = deps.clock.now();
    const a = await offerOn('A');
    deps.clock.advance(1000);
    const b = await offerOn('B');
    const s = streamState(null);
    expect(offersIn(await streamChanges(deps, me.consumerId, intent.id, s))).toEqual([a, b]);
    // A brand whose commit was slow: its offer's created_at is before the cursor the client holds.
    deps.clock.set(early + 500);
    const late = await offerOn('Late');
    deps.clock.set(early + 2000);
    const resumed = streamState(`${early + 1000}:${b}`);
    expect(offersIn(await streamChanges(deps, me.consumerId, intent.id, resumed))).toEqual([late]);
    expect(offersIn(await streamChanges(deps, me.consumerId, intent.id, streamState(`${early + 1000}:${b}`)))).toEqual([]);
    expect(await shownLive()).toBe(3);
  });

  it('when two tabs stream the same new offer, and not again after the list showed it', async () => {
    await offerOn('Listed first');
    expect((await me.call(`/api/me/intents/${intent.id}/offers`)).status).toBe(200);
    const tab1 = streamState(null);
    const tab2 = streamState(null);
    expect(offersIn(await streamChanges(deps, me.consumerId, intent.id, tab1))).toHaveLength(1);
    expect(await shownLive()).toBe(0); // the list showed (and audited) it already

    const both = await offerOn('New');
    const [one, two] = await Promise.all([streamChanges(deps, me.consumerId, intent.id, tab1), streamChanges(deps, me.consumerId, intent.id, tab2)]);
    expect(offersIn(one)).toEqual([both]);
    expect(offersIn(two)).toContain(both);
    expect(await shownLive()).toBe(1);
  });
});

describe('the stream carries status changes', () => {
  it('declined and accepted elsewhere, not taken, and expired, each once', async () => {
    const a = await offerOn('A');
    const b = await offerOn('B');
    const c = await offerOn('C');
    const short = await offerOn('Short', 60_000, token2);
    const s = streamState(null);
    expect(offersIn(await streamChanges(deps, me.consumerId, intent.id, s))).toHaveLength(4);
    expect(await streamChanges(deps, me.consumerId, intent.id, s)).toEqual([]);

    expect((await me.call(`/api/me/offers/${a}/decline`, { method: 'POST' })).status).toBe(204);
    expect(statusesIn(await streamChanges(deps, me.consumerId, intent.id, s))).toEqual([[a, 'declined']]);
    deps.clock.advance(61_000);
    expect(statusesIn(await streamChanges(deps, me.consumerId, intent.id, s))).toEqual([[short, 'expired']]);
    expect((await me.call(`/api/me/offers/${b}/accept`, { method: 'POST' })).status).toBe(200);
    expect(new Map(statusesIn(await streamChanges(deps, me.consumerId, intent.id, s)) as [string, string][])).toEqual(
      new Map([
        [b, 'accepted'],
        [c, 'not_taken'],
        [short, 'not_taken'], // accepting one closes the intent's other offers, expired or not
      ]),
    );
    expect(await streamChanges(deps, me.consumerId, intent.id, s)).toEqual([]);

    // A resumed stream first tells where each offer the client had now stands.
    const resumed = streamState(cursorOf({ id: [a, b, c, short].sort().at(-1)!, created_at: deps.clock.now() - 61_000 }));
    const first = await streamChanges(deps, me.consumerId, intent.id, resumed);
    expect(offersIn(first)).toEqual([]);
    expect(new Map(statusesIn(first) as [string, string][])).toEqual(
      new Map([
        [a, 'declined'],
        [b, 'accepted'],
        [c, 'not_taken'],
        [short, 'not_taken'],
      ]),
    );
  });

  it('as "status" events without an id, so Last-Event-ID stays the last offer’s cursor', async () => {
    const a = await offerOn('A');
    const abort = new AbortController();
    const chunks: string[] = [];
    const gen = offerEvents(deps, me.consumerId, intent.id, { after: null, signal: abort.signal, timing: { pollMs: 20, lifetimeMs: 2000 } });
    const reading = (async () => {
      for await (const c of gen) {
        chunks.push(c);
        if (c.startsWith('event: status')) abort.abort();
      }
    })();
    while (!chunks.some((c) => c.startsWith('event: offer'))) await new Promise((r) => setTimeout(r, 10));
    expect((await me.call(`/api/me/offers/${a}/decline`, { method: 'POST' })).status).toBe(204);
    await reading;
    expect(chunks.at(-1)).toBe(`event: status\ndata: ${JSON.stringify({ id: a, status: 'declined' })}\n\n`);
  });
});

// Live offers (issue 24): GET /api/me/offers/stream?intent=… is a server-sent event stream
// of the offers brands make on one of the consumer's market intents. An offer made after
// the stream opened arrives within a second, shaped as the list shows it; the stream
// resumes after Last-Event-ID, never carries another consumer's offers, ends itself after
// its lifetime (with heartbeats on the way), and stops when the client goes away.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { registerBrand } from '../../src/features/brands/register-brand.ts';
import { offerEvents } from '../../src/features/market/offer-stream.ts';
import { REDIRECT } from '../helpers/brands.ts';
import { signedInConsumer, type Caller } from '../helpers/consumer.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';
import { form } from '../helpers/raw-oauth.ts';

let deps: TestDeps;
let app: ReturnType<typeof createApp>;
let me: Caller;
let other: Caller;
let brand: { token: string };
let brand2: { token: string };
let mine: { id: string; market: { id: string } };
let theirs: { id: string; market: { id: string } };
const open: AbortController[] = [];

async function marketIntent(who: Caller, text: string) {
  await who.call('/api/me/terms', { method: 'PUT', json: { term: 'sd-base' } });
  const res = await who.call('/api/me/intents', { method: 'POST', json: { text, category: 'shoes', market: true } });
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; market: { id: string } };
}

async function offerOn(marketId: string, description = '15% off running shoes', by = brand) {
  const challenge = createHash('sha256').update(randomBytes(32).toString('base64url')).digest('base64url');
  const res = await app.request(`/v1/intents/${marketId}/offers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${by.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      offer: { kind: 'discount', description, amount: 15, unit: '%' },
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
      expires_at: new Date(deps.clock.now() + 24 * 3600_000).toISOString(),
    }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

async function brandWithToken(name: string) {
  const r = await registerBrand(deps, { name, redirect_uris: [REDIRECT], auth: { method: 'client_secret_basic' }, accepted_terms: ['sd-base'] });
  const res = await form(app, '/oauth/token', { clientId: r.client_id, secret: r.client_secret! }, { grant_type: 'client_credentials' });
  return { token: (await res.json()).access_token as string };
}

type Event = { event?: string; id?: string; data?: string; retry?: string; comment?: string };

/** Opens the stream as the given consumer and reads it event by event. */
async function stream(who: Caller, query: string, headers: Record<string, string> = {}) {
  const abort = new AbortController();
  open.push(abort);
  const res = await app.request(`/api/me/offers/stream?${query}`, { headers: { cookie: who.cookie, ...headers }, signal: abort.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;
  let reading: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  /** The next event, or null when none comes within `ms` (or the stream ended). */
  async function next(ms: number): Promise<Event | null> {
    const deadline = Date.now() + ms;
    for (;;) {
      const cut = buffer.indexOf('\n\n');
      if (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const e: Event = {};
        for (const line of block.split('\n')) {
          if (line.startsWith(':')) e.comment = line.slice(1).trim();
          else {
            const at = line.indexOf(': ');
            e[line.slice(0, at) as 'event' | 'id' | 'data' | 'retry'] = line.slice(at + 2);
          }
        }
        return e;
      }
      if (ended) return null;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      // A read that outlives its wait is kept for the next call, so no chunk is lost.
      reading ??= reader.read();
      const got = await Promise.race([reading, new Promise<'late'>((r) => setTimeout(() => r('late'), left))]);
      if (got === 'late') return null;
      reading = null;
      if (got.done) ended = true;
      else buffer += decoder.decode(got.value, { stream: true });
    }
  }
  /** Offers arriving within `ms` (heartbeats skipped). */
  async function offers(ms: number) {
    const deadline = Date.now() + ms;
    const out: Record<string, unknown>[] = [];
    for (;;) {
      const e = await next(Math.max(0, deadline - Date.now()));
      if (!e) return out;
      if (e.event === 'offer') out.push(JSON.parse(e.data!) as Record<string, unknown>);
    }
  }
  return { res, abort, reader, next, offers, ended: () => ended };
}

beforeAll(async () => {
  deps = await testDeps();
  app = createApp(deps);
  me = await signedInConsumer(deps, app);
  other = await signedInConsumer(deps, app);
  brand = await brandWithToken('Stride');
  brand2 = await brandWithToken('Pace');
  mine = await marketIntent(me, 'Running shoes, size 42');
  theirs = await marketIntent(other, 'Trail shoes, size 39');
});

afterEach(() => {
  for (const a of open.splice(0)) a.abort();
});

describe('the live offers stream', () => {
  it('sends an offer made after it opened within a second, shaped as the list shows it', async () => {
    const s = await stream(me, `intent=${mine.id}`);
    expect(s.res.status).toBe(200);
    expect(s.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(s.res.headers.get('cache-control')).toBe('no-store');
    expect(await s.next(500)).toEqual({ retry: '1000' });
    expect(await s.offers(600)).toEqual([]); // nothing made yet

    const made = Date.now();
    const id = await offerOn(mine.market.id);
    const first = await s.next(1000);
    expect(Date.now() - made).toBeLessThan(1000);
    expect(first).toMatchObject({ event: 'offer', id: `${deps.clock.now()}:${id}` });
    const sent = JSON.parse(first!.data!);
    const listed = (await (await me.call(`/api/me/intents/${mine.id}/offers`)).json()).offers as unknown[];
    expect(listed).toEqual([sent]);
    expect(sent).toMatchObject({
      id,
      brand: { name: 'Stride' },
      offer: { kind: 'discount', amount: 15 },
      asks_for: { attributes: ['email'] },
      agreement: { id: 'sd-base' },
      terms_match: true,
      status: 'open',
    });

    // The next offer too, and nothing twice (the fixed test clock gives both the same created_at).
    const second = await offerOn(mine.market.id, 'Free socks');
    expect((await s.offers(1000)).map((o) => o.id)).toEqual([second]);
  });

  it('starts with the intent’s offers so far, or after Last-Event-ID when it resumes', async () => {
    const all = ((await (await me.call(`/api/me/intents/${mine.id}/offers`)).json()).offers as { id: string; created_at: number }[]).map((o) => o.id);
    expect(all).toHaveLength(2);
    const fresh = await stream(me, `intent=${mine.id}`);
    expect((await fresh.offers(800)).map((o) => o.id).sort()).toEqual([...all].sort());

    const last = all.at(-1)!;
    const resumed = await stream(me, `intent=${mine.id}`, { 'last-event-id': `${deps.clock.now()}:${last}` });
    const third = await offerOn(mine.market.id, 'Free laces');
    const got = (await resumed.offers(1000)).map((o) => o.id);
    expect(got).toContain(third);
    expect(got).not.toContain(last);
    // `after` does the same for a first connection; a cursor that does not parse starts from the beginning.
    const after = await stream(me, `intent=${mine.id}&after=${encodeURIComponent(`${deps.clock.now() + 1}:of_none`)}`);
    expect(await after.offers(700)).toEqual([]);
    const junk = await stream(me, `intent=${mine.id}`, { 'last-event-id': 'nonsense' });
    expect(await junk.offers(700)).toHaveLength(3);
  });

  it('never carries another consumer’s offers', async () => {
    // Someone else's intent is not found; one's own stream does not see the other's offers.
    expect((await other.call(`/api/me/offers/stream?intent=${mine.id}`)).status).toBe(404);
    const s = await stream(other, `intent=${theirs.id}`);
    expect(s.res.status).toBe(200);
    await offerOn(mine.market.id, 'For the first consumer only', brand2);
    const theirsOffer = await offerOn(theirs.market.id, 'For the second consumer', brand2);
    const got = await s.offers(1200);
    expect(got.map((o) => o.id)).toEqual([theirsOffer]);
    expect(JSON.stringify(got)).not.toContain('For the first consumer only');
  });

  it('refuses what is not a market intent of one’s own, and callers without a session', async () => {
    const plain = await (await me.call('/api/me/intents', { method: 'POST', json: { text: 'Not on the market' } })).json();
    expect((await me.call(`/api/me/offers/stream?intent=${plain.id}`)).status).toBe(404);
    expect((await me.call('/api/me/offers/stream?intent=nope')).status).toBe(404);
    expect((await me.call('/api/me/offers/stream')).status).toBe(400);
    expect((await app.request(`/api/me/offers/stream?intent=${mine.id}`)).status).toBe(401);
  });

  it('stops when the client goes away', async () => {
    const s = await stream(me, `intent=${mine.id}`);
    await s.offers(300);
    s.abort.abort();
    const drained = (async () => {
      try {
        while (!(await s.reader.read()).done);
      } catch {
        // an aborted body may also end in an error: gone either way
      }
      return true;
    })();
    expect(await Promise.race([drained, new Promise<boolean>((r) => setTimeout(() => r(false), 1000))])).toBe(true);
  });

  it('lists the consumer’s market intents with their offer counts', async () => {
    const body = await (await me.call('/api/me/market')).json();
    expect(body.intents).toEqual([{ id: mine.id, market: { id: mine.market.id, terms: 'sd-base' }, offers: { open: 4, total: 4 } }]);
    expect((await (await other.call('/api/me/market')).json()).intents.map((i: { id: string }) => i.id)).toEqual([theirs.id]);
  });
});

describe('the stream’s timing', () => {
  it('ends itself after its lifetime, with heartbeats on the way, when the session ends, and at once on abort', async () => {
    const chunks: string[] = [];
    const started = Date.now();
    const signal = new AbortController().signal;
    for await (const c of offerEvents(deps, other.consumerId, theirs.id, { after: null, signal, timing: { pollMs: 20, heartbeatMs: 100, lifetimeMs: 450 } })) {
      chunks.push(c);
    }
    expect(Date.now() - started).toBeLessThan(2000);
    expect(chunks[0]).toBe('retry: 1000\n\n');
    expect(chunks.filter((c) => c.startsWith('event: offer')).length).toBe(1);
    expect(chunks.filter((c) => c.startsWith(':')).length).toBeGreaterThanOrEqual(3);

    // A session that ended (signed out elsewhere) ends the stream at the next check.
    let checks = 0;
    const alive = async () => ++checks < 2;
    const ended = Date.now();
    const rest: string[] = [];
    for await (const c of offerEvents(deps, other.consumerId, theirs.id, {
      after: null,
      signal,
      alive,
      timing: { pollMs: 20, recheckMs: 100, lifetimeMs: 5000 },
    })) {
      rest.push(c);
    }
    expect(checks).toBe(2);
    expect(Date.now() - ended).toBeLessThan(1000);

    const abort = new AbortController();
    const gen = offerEvents(deps, other.consumerId, theirs.id, { after: null, signal: abort.signal });
    await gen.next(); // retry
    await gen.next(); // the offer so far
    const pending = gen.next(); // waiting for the next poll
    const at = Date.now();
    abort.abort();
    expect((await pending).done).toBe(true);
    expect(Date.now() - at).toBeLessThan(200);
  });
});

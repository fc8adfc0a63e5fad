// The live offer stream inside workerd against D1 (issue 24): the runtime-neutral generator
// sends an offer, then a "status" event when the offer is declined elsewhere; two streams
// sending the same new offer audit it as shown once (the per-offer conditional write holds
// in a D1 batch as in a transaction).
import { env } from 'cloudflare:workers';
import sodium from 'libsodium-wrappers';
import { describe, expect, it } from 'vitest';
import { boot } from '../../src/boot.ts';
import { systemClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/config.ts';
import { silentLog } from '../../src/deps.ts';
import { fromB64u } from '../../src/crypto/encoding.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { registerBrand } from '../../src/features/brands/register-brand.ts';
import { newConsumer } from '../../src/features/identity/create-consumer.ts';
import { declineOffer } from '../../src/features/market/consumer-offers.ts';
import { offerEvents, streamChanges, streamState } from '../../src/features/market/offer-stream.ts';
import { makeOffer } from '../../src/features/market/offers.ts';
import { createIntent } from '../../src/features/profile/intents.ts';
import { proffer } from '../../src/features/terms/consumer-terms.ts';
import { createD1Store, type D1Like } from '../../src/runtime/store/d1/store.ts';
import { openLibsodiumGate } from '../../src/runtime/workers/sodium-shim.ts';

async function d1Deps() {
  openLibsodiumGate();
  await sodium.ready;
  const store = createD1Store(env.DB as unknown as D1Like, systemClock);
  return boot(
    { config: parseConfig({ TROVE_MASTER_KEY: env.TROVE_MASTER_KEY }), store, clock: systemClock, sodium, log: silentLog, checkpointEvery: 1000 },
    fromB64u(env.TROVE_MASTER_KEY),
  );
}

const REDIRECT = 'https://brand.example/callback';
const offer = (description: string) => ({
  offer: { kind: 'discount' as const, description },
  request: {
    type: 'trove_attributes' as const,
    attributes: ['email'],
    optional_attributes: [],
    purpose: 'https://w3id.org/dpv#ServiceProvision',
    purpose_description: 'To send you the offer',
    access: 'once' as const,
    duration: 'P7D',
    agreement: 'sd-base',
  },
  redirect_uri: REDIRECT,
  code_challenge: 'A'.repeat(43),
  expires_at: new Date(Date.now() + 24 * 3600_000).toISOString(),
});

describe('the live offer stream on workerd + D1', () => {
  it('sends offers and their status changes, and audits an offer shown once however many streams send it', async () => {
    const deps = await d1Deps();
    const c = newConsumer(deps);
    await commit(deps, {
      writes: [c.insert],
      audit: [{ action: 'consumer.created', outcome: 'success', actor_type: 'consumer', actor_id: c.id, consumer_id: c.id }],
    });
    await proffer(deps, c.id, { term: 'sd-base' });
    const intent = await createIntent(deps, c.id, { text: 'Running shoes, 42', category: 'shoes', market: true });
    const r = await registerBrand(deps, { name: 'Stride', redirect_uris: [REDIRECT], auth: { method: 'client_secret_basic' }, accepted_terms: ['sd-base'] });
    const first = await makeOffer(deps, r.client_id, intent.market!.id, offer('10% off'));

    const abort = new AbortController();
    const chunks: string[] = [];
    const reading = (async () => {
      for await (const chunk of offerEvents(deps, c.id, intent.id, { after: null, signal: abort.signal, timing: { pollMs: 20, lifetimeMs: 5000 } })) {
        chunks.push(chunk);
        if (chunk.startsWith('event: offer')) await declineOffer(deps, c.id, first.id);
        if (chunk.startsWith('event: status')) abort.abort();
      }
    })();
    await reading;
    expect(chunks[0]).toBe('retry: 1000\n\n');
    expect(chunks[1]).toMatch(new RegExp(`^event: offer\\nid: \\d+:${first.id}\\n`));
    expect(chunks.at(-1)).toBe(`event: status\ndata: ${JSON.stringify({ id: first.id, status: 'declined' })}\n\n`);

    const second = await makeOffer(deps, r.client_id, intent.market!.id, offer('12% off'));
    const tabs = [streamState(null), streamState(null)];
    const sent = await Promise.all(tabs.map((t) => streamChanges(deps, c.id, intent.id, t)));
    for (const events of sent) expect(events.some((e) => e.event === 'offer' && e.offer.id === second.id)).toBe(true);
    const shown = await deps.store.db.selectFrom('audit_events').select('detail').where('action', '=', 'offer.shown').execute();
    const live = shown.map((s) => JSON.parse(s.detail!) as { offers: number; live?: boolean }).filter((d) => d.live);
    expect(live.reduce((n, d) => n + d.offers, 0)).toBe(2); // the first offer once, the second once

    // Many offers at once (more than the 100 parameters D1 binds to one statement) go in one poll, audited once.
    const row = (i: number) => ({
      id: `of_many_${i}`,
      intent_id: intent.id,
      consumer_id: c.id,
      brand_id: r.client_id,
      offer: JSON.stringify({ kind: 'discount', description: `${i}% off` }),
      details: JSON.stringify(offer('x').request),
      redirect_uri: REDIRECT,
      code_challenge: 'A'.repeat(43),
      state: null,
      status: 'open' as const,
      request_id: null,
      created_at: Date.now(),
      expires_at: Date.now() + 3600_000,
      decided_at: null,
    });
    for (let i = 0; i < 120; i += 40) {
      await commit(deps, { writes: Array.from({ length: 40 }, (_, k) => deps.store.db.insertInto('offers').values(row(i + k))) });
    }
    const many = await streamChanges(deps, c.id, intent.id, streamState(null));
    expect(many.filter((e) => e.event === 'offer')).toHaveLength(122);
    const after = await deps.store.db.selectFrom('audit_events').select('detail').where('action', '=', 'offer.shown').execute();
    const all = after.map((s) => JSON.parse(s.detail!) as { offers: number; live?: boolean }).filter((d) => d.live);
    expect(all.reduce((n, d) => n + d.offers, 0)).toBe(122);
  });
});

// The market inside workerd against D1: a market intent reaches only brands accepting the
// consumer's terms, with no identity in what they get; offers are limited per brand; a
// withdrawn intent is gone for brands at once, and the losing brand sees only "not taken".
import { env } from 'cloudflare:workers';
import sodium from 'libsodium-wrappers';
import { describe, expect, it } from 'vitest';
import { boot } from '../../src/boot.ts';
import { systemClock } from '../../src/clock.ts';
import { parseConfig } from '../../src/config.ts';
import { silentLog } from '../../src/deps.ts';
import { fromB64u } from '../../src/crypto/encoding.ts';
import { Conflict, NotFound } from '../../src/errors.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { registerBrand } from '../../src/features/brands/register-brand.ts';
import { newConsumer } from '../../src/features/identity/create-consumer.ts';
import { acceptOffer } from '../../src/features/market/consumer-offers.ts';
import { openMarketIntents } from '../../src/features/market/market-intents.ts';
import { brandOffer, makeOffer } from '../../src/features/market/offers.ts';
import { createIntent, withdrawIntent } from '../../src/features/profile/intents.ts';
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

describe('the market on workerd + D1', () => {
  it('keeps identity out of what brands get, limits offers, and withdraws at once', async () => {
    const deps = await d1Deps();
    const c = newConsumer(deps);
    await commit(deps, {
      writes: [c.insert],
      audit: [{ action: 'consumer.created', outcome: 'success', actor_type: 'consumer', actor_id: c.id, consumer_id: c.id }],
    });
    await proffer(deps, c.id, { term: 'sd-base' });
    const intent = await createIntent(deps, c.id, { text: 'Running shoes, 42', category: 'shoes', market: true });
    const brand = async (name: string, accepted_terms: string[]) => {
      const r = await registerBrand(deps, { name, redirect_uris: [REDIRECT], auth: { method: 'client_secret_basic' }, accepted_terms });
      return deps.store.db.selectFrom('brands').selectAll().where('id', '=', r.client_id).executeTakeFirstOrThrow();
    };
    const [a, b, other] = [await brand('Stride', ['sd-base']), await brand('Pace', ['sd-base']), await brand('Elsewhere', ['sd-portability'])];

    const seen = await openMarketIntents(deps, a.id, {});
    expect(seen.intents).toEqual([expect.objectContaining({ id: intent.market!.id, text: 'Running shoes, 42', terms: 'sd-base' })]);
    expect(JSON.stringify(seen)).not.toContain(c.id);
    expect(JSON.stringify(seen)).not.toContain(intent.id);
    expect((await openMarketIntents(deps, other.id, {})).intents).toEqual([]);

    const offer = (n: number) => ({
      offer: { kind: 'discount' as const, description: `${n}% off` },
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
    const mine = await makeOffer(deps, a.id, intent.market!.id, offer(10));
    const theirs = await makeOffer(deps, b.id, intent.market!.id, offer(12));
    await makeOffer(deps, b.id, intent.market!.id, offer(13));
    await makeOffer(deps, b.id, intent.market!.id, offer(14));
    await expect(makeOffer(deps, b.id, intent.market!.id, offer(15))).rejects.toThrow(Conflict);
    await expect(makeOffer(deps, other.id, intent.market!.id, offer(20))).rejects.toThrow(NotFound);

    await acceptOffer(deps, c.id, mine.id);
    expect((await brandOffer(deps, a.id, mine.id)).status).toBe('taken');
    expect((await brandOffer(deps, b.id, theirs.id)).status).toBe('not_taken');
    await expect(brandOffer(deps, b.id, mine.id)).rejects.toThrow(NotFound);

    await withdrawIntent(deps, c.id, intent.id);
    expect((await openMarketIntents(deps, a.id, {})).intents).toEqual([]);
    await expect(makeOffer(deps, a.id, intent.market!.id, offer(30))).rejects.toThrow(NotFound);
  });
});

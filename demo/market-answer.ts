// How a demo shop answers the market: woken by Trove's signed intent.created event (and once
// at start), it lists the open intents it may see (GET /v1/intents/open, with a
// client_credentials token) and answers each new one in its categories with one offer: its
// value, the intent's agreement, and the request it would need, with its own PKCE challenge
// so that accepting leads to the usual consent screen and code exchange. It knows of an
// intent only what Trove shows brands: a pseudonym and the content, never who asked.
import { createHash, randomBytes } from 'node:crypto';
import type { Shop } from '../src/features/operators/demo-shops.ts';

export type Pending = { verifier: string; reward: Shop['ask']['value']; code: string };
export type MarketOffer = { id: string; intent: string; text: string; status: string; made_at: string };
type OpenIntent = { id: string; text: string; category: string | null; terms: string };

type Options = {
  troveOrigin: string;
  publicUrl: string;
  shop: Shop;
  form(path: string, params: Record<string, string>): Promise<Response>;
  /** The callback's state → what the code exchange needs and what the shop then gives. */
  pending: Map<string, Pending>;
};

export function createMarketAnswerer(o: Options) {
  const offers: MarketOffer[] = [];
  const answered = new Set<string>();
  let token: { value: string; until: number } | undefined;
  let running: Promise<void> | undefined;
  let again = false;

  async function bearer(): Promise<string> {
    if (token && token.until > Date.now()) return token.value;
    const res = await o.form('/oauth/token', { grant_type: 'client_credentials' });
    if (!res.ok) throw new Error(`client_credentials refused (${res.status})`);
    const body = (await res.json()) as { access_token: string; expires_in: number };
    token = { value: body.access_token, until: Date.now() + (body.expires_in - 30) * 1000 };
    return token.value;
  }

  const call = async (path: string, body?: unknown) =>
    fetch(new URL(path, o.troveOrigin), {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${await bearer()}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });

  async function answer(intent: OpenIntent) {
    const m = o.shop.market;
    const state = randomBytes(16).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    o.pending.set(state, { verifier, reward: m.offer, code: m.code });
    const res = await call(`/v1/intents/${encodeURIComponent(intent.id)}/offers`, {
      offer: m.offer,
      request: {
        type: 'trove_attributes',
        attributes: m.attributes,
        purpose: 'https://w3id.org/dpv#ServiceProvision',
        purpose_description: m.purpose_description,
        access: 'once',
        duration: 'P7D',
        agreement: intent.terms,
      },
      redirect_uri: `${o.publicUrl}/callback`,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      state,
      expires_at: new Date(Date.now() + 3 * 24 * 3600_000).toISOString(),
    });
    if (res.status !== 201) {
      o.pending.delete(state);
      return;
    }
    const made = (await res.json()) as { id: string };
    offers.unshift({ id: made.id, intent: intent.id, text: intent.text, status: 'open', made_at: new Date().toISOString() });
  }

  async function scan() {
    const res = await call('/v1/intents/open');
    if (!res.ok) return;
    const { intents } = (await res.json()) as { intents: OpenIntent[] };
    for (const intent of intents) {
      if (answered.has(intent.id)) continue;
      answered.add(intent.id);
      const fits = !intent.category || o.shop.market.categories.includes(intent.category.toLowerCase());
      if (fits && o.shop.accepts.includes(intent.terms)) await answer(intent);
    }
  }

  /** Answers every open intent not yet answered; calls made meanwhile fold into one more pass. */
  function answerOpen(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await scan().catch(() => undefined);
      } while (again);
    })().finally(() => {
      running = undefined;
    });
    return running;
  }

  /** Asks Trove whether each open offer was taken; a shop learns nothing else of the others. */
  async function refresh() {
    for (const offer of offers.filter((x) => x.status === 'open')) {
      const res = await call(`/v1/offers/${encodeURIComponent(offer.id)}`).catch(() => undefined);
      if (res?.ok) offer.status = ((await res.json()) as { status: string }).status;
    }
  }

  return { offers, answerOpen, refresh };
}

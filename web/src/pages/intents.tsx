// Intents (/intents): what I am looking for ("red rain jacket, size M, under 120 EUR"),
// visible only to brands I granted "intents"; publish, see who read each, withdraw. An
// intent published to the market also reaches, under a pseudonym, the brands that accept my
// terms, which may answer with offers (compared under /intents/{id}/offers).
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { amount, date, dateTime } from '../format.ts';
import type { Grant, Intent, MarketIntent, MyTerms } from '../types.ts';
import { Button, ErrorMessage, Loading, Notice, useAction, useLoad } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';

const empty = { text: '', category: '', size: '', colour: '', amount: '', currency: 'EUR', until: '', market: false };
const MARKET_LABEL = 'Publish to the market (brands that accept my terms can make offers)';

export function Intents() {
  const intents = useLoad(() => api<{ intents: Intent[] }>('/api/me/intents').then((r) => r.intents));
  const brands = useLoad(() =>
    api<{ active: Grant[]; ended: Grant[] }>('/api/me/grants').then((g) => new Map([...g.active, ...g.ended].map((x) => [x.brand.client_id, x.brand.name]))),
  );
  const market = useLoad(() => api<{ intents: MarketIntent[] }>('/api/me/market').then((r) => new Map(r.intents.map((i) => [i.id, i]))));
  const terms = useLoad(() => api<MyTerms>('/api/me/terms'));
  const [form, setForm] = useState(empty);
  const [published, setPublished] = useState<{ id: string; text: string } | null>(null);
  const publish = useAction();
  const withdraw = useAction();
  const set = (k: Exclude<keyof typeof empty, 'market'>) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = () =>
    publish.run(async () => {
      setPublished(null);
      const body: Record<string, unknown> = { text: form.text };
      for (const k of ['category', 'size', 'colour'] as const) if (form[k].trim()) body[k] = form[k].trim();
      if (form.amount) body.budget = { amount: Number(form.amount), currency: form.currency.trim().toUpperCase() };
      if (form.until) body.until = new Date(`${form.until}T23:59:59`).toISOString();
      if (form.market) body.market = true;
      const made = await api<{ id: string; text: string; market: { id: string } | null }>('/api/me/intents', { method: 'POST', body });
      setForm(empty);
      if (made.market) setPublished({ id: made.id, text: made.text });
      intents.reload();
      market.reload();
    });
  const myTerms = terms.data ? (terms.data.roster.find((t) => t.id === terms.data!.default)?.title ?? null) : undefined;
  return (
    <Page
      title="Intents"
      lead="Tell brands what you are looking for. Only brands you granted access to your intents can read them, and you see every read. Publish to the market and brands that accept your terms can make you offers, without learning who you are."
    >
      <section class="card" aria-labelledby="new-h">
        <h2 id="new-h">Publish an intent</h2>
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <div class="field">
            <label for="i-text">What are you looking for?</label>
            <input id="i-text" required maxLength={500} value={form.text} onInput={set('text')} placeholder="e.g. Red rain jacket for hiking" />
          </div>
          <div class="subfields">
            <div class="field">
              <label for="i-category">Category (optional)</label>
              <input id="i-category" maxLength={60} value={form.category} onInput={set('category')} />
            </div>
            <div class="field">
              <label for="i-size">Size (optional)</label>
              <input id="i-size" maxLength={20} value={form.size} onInput={set('size')} />
            </div>
            <div class="field">
              <label for="i-colour">Colour (optional)</label>
              <input id="i-colour" maxLength={30} value={form.colour} onInput={set('colour')} />
            </div>
            <div class="field">
              <label for="i-amount">Budget (optional)</label>
              <input id="i-amount" inputMode="decimal" value={form.amount} onInput={set('amount')} />
            </div>
            <div class="field">
              <label for="i-currency">Currency</label>
              <input id="i-currency" maxLength={3} value={form.currency} onInput={set('currency')} />
            </div>
            <div class="field">
              <label for="i-until">Until (optional)</label>
              <input id="i-until" type="date" value={form.until} onInput={set('until')} />
            </div>
          </div>
          <div class="market-choice">
            <input
              type="checkbox"
              id="i-market"
              checked={form.market}
              aria-describedby="i-market-hint"
              onChange={(e) => setForm({ ...form, market: e.currentTarget.checked })}
            />
            <label for="i-market">{MARKET_LABEL}</label>
          </div>
          <p class="hint market-hint" id="i-market-hint">
            {myTerms === null ? (
              <>
                You have not chosen your terms yet: choose them under <a href="/profile/terms">My terms</a> first. Only brands that accept them see a market
                intent.
              </>
            ) : (
              <>Brands see it under a pseudonym, never your name or profile{myTerms ? `, and only if they accept your terms (${myTerms})` : ''}.</>
            )}
          </p>
          <ErrorMessage error={publish.error} />
          {published && !publish.error ? (
            <Notice tone="ok">
              Published to the market. <a href={`/intents/${encodeURIComponent(published.id)}/offers`}>See the offers on “{published.text}”</a> as they come.
            </Notice>
          ) : null}
          <div class="actions">
            <Button type="submit" variant="primary" busy={publish.busy}>
              Publish
            </Button>
          </div>
        </form>
      </section>
      <section aria-labelledby="list-h">
        <h2 id="list-h">Your intents</h2>
        {intents.loading && !intents.data ? <Loading what="your intents" /> : null}
        <ErrorMessage error={intents.error ?? withdraw.error} />
        {intents.data && !intents.data.length ? <p class="empty">You have not published any intents.</p> : null}
        <ul class="cards">
          {(intents.data ?? []).map((i) => {
            const m = market.data?.get(i.id);
            return (
              <li key={i.id} class="card" data-intent={i.id}>
                <h3>{i.text}</h3>
                <p class="muted">
                  {[i.category, i.size, i.colour, i.budget ? `under ${amount(i.budget.amount, i.budget.currency)}` : null].filter(Boolean).join(' · ')}
                </p>
                <p>
                  <span class={`badge badge-${i.status === 'open' ? 'active' : 'revoked'}`}>
                    {i.status === 'open' ? 'Open' : i.status === 'withdrawn' ? 'Withdrawn' : 'Expired'}
                  </span>{' '}
                  {m ? <span class="badge badge-market">On the market</span> : null} {i.until ? `Until ${date(i.until)}` : 'No end date'}
                </p>
                {m ? (
                  <p>
                    <a href={`/intents/${encodeURIComponent(i.id)}/offers`}>
                      Offers<span class="visually-hidden"> on “{i.text}”</span>
                    </a>{' '}
                    <span class="muted">({m.offers.total ? `${m.offers.open} open of ${m.offers.total}` : 'none yet'})</span>
                  </p>
                ) : null}
                <p>
                  {i.read_by.length
                    ? `Read by ${i.read_by.map((r) => `${brands.data?.get(r.brand_id ?? '') ?? 'a brand'} (${dateTime(r.at)})`).join(', ')}`
                    : 'Not read by any brand yet.'}
                </p>
                {i.status === 'open' ? (
                  <Button
                    busy={withdraw.busy}
                    onClick={() =>
                      void withdraw.run(async () => {
                        await api(`/api/me/intents/${encodeURIComponent(i.id)}`, { method: 'DELETE' });
                        intents.reload();
                      })
                    }
                  >
                    Withdraw<span class="visually-hidden"> “{i.text}”</span>
                  </Button>
                ) : null}
              </li>
            );
          })}
        </ul>
      </section>
    </Page>
  );
}

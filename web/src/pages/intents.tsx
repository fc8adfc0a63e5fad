// Intents (/intents): what I am looking for ("red rain jacket, size M, under 120 EUR"),
// visible only to brands I granted "intents"; publish, see who read each, withdraw.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { amount, date, dateTime } from '../format.ts';
import type { Grant, Intent } from '../types.ts';
import { Button, ErrorMessage, Loading, useAction, useLoad } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';

const empty = { text: '', category: '', size: '', colour: '', amount: '', currency: 'EUR', until: '' };

export function Intents() {
  const intents = useLoad(() => api<{ intents: Intent[] }>('/api/me/intents').then((r) => r.intents));
  const brands = useLoad(() =>
    api<{ active: Grant[]; ended: Grant[] }>('/api/me/grants').then((g) => new Map([...g.active, ...g.ended].map((x) => [x.brand.client_id, x.brand.name]))),
  );
  const [form, setForm] = useState(empty);
  const publish = useAction();
  const withdraw = useAction();
  const set = (k: keyof typeof empty) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = () =>
    publish.run(async () => {
      const body: Record<string, unknown> = { text: form.text };
      for (const k of ['category', 'size', 'colour'] as const) if (form[k].trim()) body[k] = form[k].trim();
      if (form.amount) body.budget = { amount: Number(form.amount), currency: form.currency.trim().toUpperCase() };
      if (form.until) body.until = new Date(`${form.until}T23:59:59`).toISOString();
      await api('/api/me/intents', { method: 'POST', body });
      setForm(empty);
      intents.reload();
    });
  return (
    <Page title="Intents" lead="Tell brands what you are looking for. Only brands you granted access to your intents can read them, and you see every read.">
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
          <ErrorMessage error={publish.error} />
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
          {(intents.data ?? []).map((i) => (
            <li key={i.id} class="card">
              <h3>{i.text}</h3>
              <p class="muted">
                {[i.category, i.size, i.colour, i.budget ? `under ${amount(i.budget.amount, i.budget.currency)}` : null].filter(Boolean).join(' · ')}
              </p>
              <p>
                <span class={`badge badge-${i.status === 'open' ? 'active' : 'revoked'}`}>
                  {i.status === 'open' ? 'Open' : i.status === 'withdrawn' ? 'Withdrawn' : 'Expired'}
                </span>{' '}
                {i.until ? `Until ${date(i.until)}` : 'No end date'}
              </p>
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
          ))}
        </ul>
      </section>
    </Page>
  );
}

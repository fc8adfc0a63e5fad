// Value (/value): per brand, what was promised in return for your data and what the brand
// has recorded as actually given, with totals per unit that adds up (percentages do not:
// they count as entries), and a chart of what each brand gave back over time.
import { api } from '../api.ts';
import { amount, amountAfter, date, kindText, statusText, valueText } from '../format.ts';
import type { ValueSummary } from '../types.ts';
import { ErrorMessage, Loading, useLoad } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';
import { ValueChart } from './value-chart.tsx';
import { isRate } from './value-series.ts';

export function ValuePage() {
  const value = useLoad(() => api<ValueSummary>('/api/me/value'));
  const v = value.data;
  const totals = (t: Record<string, number>, entries: number) =>
    [
      ...Object.entries(t)
        .filter(([unit]) => !isRate(unit))
        .map(([unit, n]) => amount(n, unit)),
      entries === 1 ? '1 entry' : `${entries} entries`,
    ].join(' · ');
  const entries = v ? v.brands.reduce((n, b) => n + b.received.length, 0) : 0;
  return (
    <Page title="Value received" lead="What brands promised in return for your data, and what they say they have given you.">
      {value.loading && !v ? <Loading what="your value ledger" /> : null}
      <ErrorMessage error={value.error} />
      {v ? (
        <>
          <section class="card" aria-labelledby="totals-h">
            <h2 id="totals-h">In total</h2>
            <p class="big" data-value="total">
              {entries ? totals(v.totals, entries) : 'Nothing recorded yet.'}
            </p>
          </section>
          {entries ? (
            <section class="card" aria-labelledby="over-time-h">
              <h2 id="over-time-h">Over time</h2>
              <ValueChart value={v} now={Date.now()} />
            </section>
          ) : null}
          {v.brands.length ? null : <p class="empty">No brand has a grant from you yet.</p>}
          {v.brands.map((b) => (
            <section key={b.client_id} class="card" aria-labelledby={`b-${b.client_id}`}>
              <h2 id={`b-${b.client_id}`}>{b.name}</h2>
              <div class="consent-grid">
                <div>
                  <h3>Promised</h3>
                  {b.promised.length ? (
                    <ul class="plain-list">
                      {b.promised.map((p) => (
                        <li key={p.grant_id}>
                          <a href={`/grants/${p.grant_id}`}>{valueText(p)}</a> <span class="muted">({statusText(p.grant_status).toLowerCase()})</span>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p class="muted">Nothing was offered.</p>
                  )}
                </div>
                <div>
                  <h3>Received</h3>
                  {b.received.length ? (
                    <ul class="plain-list">
                      {b.received.map((r) => (
                        <li key={r.id}>
                          {kindText(r.kind)}: {r.description}
                          {amountAfter(r.description, r.amount, r.unit)}{' '}
                          <span class="muted">
                            {date(r.given_at ?? r.created_at)}
                            {r.reference ? ` · ref. ${r.reference}` : ''}
                          </span>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p class="muted">Nothing recorded yet.</p>
                  )}
                  {b.received.length ? (
                    <p data-value="brand-total">
                      <strong>Total:</strong> {totals(b.totals, b.received.length)}
                    </p>
                  ) : null}
                </div>
              </div>
            </section>
          ))}
        </>
      ) : null}
    </Page>
  );
}

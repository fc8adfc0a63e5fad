// Value (/value): per brand, what was promised in return for your data and what the brand
// has recorded as actually given, with totals per unit.
import { api } from '../api.ts';
import { amount, amountAfter, date, kindText, statusText, valueText } from '../format.ts';
import type { ValueSummary } from '../types.ts';
import { ErrorMessage, Loading, useLoad } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';

export function ValuePage() {
  const value = useLoad(() => api<ValueSummary>('/api/me/value'));
  const v = value.data;
  const totals = (t: Record<string, number>) =>
    Object.entries(t)
      .map(([unit, n]) => amount(n, unit))
      .join(' · ');
  return (
    <Page title="Value received" lead="What brands promised in return for your data, and what they say they have given you.">
      {value.loading && !v ? <Loading what="your value ledger" /> : null}
      <ErrorMessage error={value.error} />
      {v ? (
        <>
          <section class="card" aria-labelledby="totals-h">
            <h2 id="totals-h">In total</h2>
            <p class="big">{Object.keys(v.totals).length ? totals(v.totals) : 'Nothing recorded yet.'}</p>
          </section>
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
                            {date(r.created_at)}
                            {r.reference ? ` · ref. ${r.reference}` : ''}
                          </span>
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p class="muted">Nothing recorded yet.</p>
                  )}
                  {Object.keys(b.totals).length ? (
                    <p>
                      <strong>Total:</strong> {totals(b.totals)}
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

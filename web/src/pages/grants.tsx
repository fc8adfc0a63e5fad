// Grants (/grants): what each brand may read now, and what ended, with reads and dates.
import { api } from '../api.ts';
import { date, dateTime, statusText } from '../format.ts';
import type { Grant } from '../types.ts';
import { BrandMark } from '../ui/brand-mark.tsx';
import { ErrorMessage, Loading, useLoad } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';

export function Grants() {
  const grants = useLoad(() => api<{ active: Grant[]; ended: Grant[] }>('/api/me/grants'));
  return (
    <Page title="Grants" lead="Who may read which of your data, why, and until when. Open a grant to see its reads, its receipt, or to revoke it.">
      {grants.loading && !grants.data ? <Loading what="your grants" /> : null}
      <ErrorMessage error={grants.error} />
      {grants.data ? (
        <>
          <section aria-labelledby="active-h">
            <h2 id="active-h">Active ({grants.data.active.length})</h2>
            {grants.data.active.length ? <GrantList grants={grants.data.active} /> : <p class="empty">No brand can read your data right now.</p>}
          </section>
          <section aria-labelledby="ended-h">
            <h2 id="ended-h">Ended ({grants.data.ended.length})</h2>
            {grants.data.ended.length ? <GrantList grants={grants.data.ended} /> : <p class="empty">Nothing has ended yet.</p>}
          </section>
        </>
      ) : null}
    </Page>
  );
}

function GrantList(props: { grants: Grant[] }) {
  return (
    <ul class="cards">
      {props.grants.map((g) => (
        <li key={g.id} class="card grant-card">
          <div class="grant-head">
            <BrandMark brand={g.brand} />
            <h3>
              <a href={`/grants/${g.id}`}>
                {g.brand.name}
                <span class="visually-hidden">: {g.purpose.label}</span>
              </a>
            </h3>
            <span class={`badge badge-${g.status}`}>{statusText(g.status)}</span>
          </div>
          <p>{g.purpose.label}</p>
          <p class="muted">{g.attributes.map((a) => a.label).join(', ')}</p>
          <p class="muted">
            {g.status === 'active' ? `Until ${date(g.expires_at)}` : g.revoked_at ? `Revoked ${date(g.revoked_at)}` : `Ended ${date(g.expires_at)}`}
            {' · '}
            {g.read_count === 1 ? '1 read' : `${g.read_count} reads`}
            {g.last_read_at ? ` · last ${dateTime(g.last_read_at)}` : ''}
          </p>
        </li>
      ))}
    </ul>
  );
}

// The signed-in home page: at a glance, who can read what, the latest reads, and what
// came back in return, with the next useful step when the profile is still empty.
import { eventSentence } from '../activity-text.ts';
import { api } from '../api.ts';
import { labelOf, loadCatalog } from '../catalog.ts';
import { amount, dateTime } from '../format.ts';
import type { ActivityEvent, Grant, Page as ApiPage, ProfileAttribute, ValueSummary } from '../types.ts';
import { ErrorMessage, Loading, useLoad } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';

export function Overview() {
  const data = useLoad(async () => {
    const [grants, activity, value, profile, catalog] = await Promise.all([
      api<{ active: Grant[]; ended: Grant[] }>('/api/me/grants'),
      api<ApiPage<'events', ActivityEvent>>('/api/me/activity', { query: { action: 'grant.read', limit: 5 } }),
      api<ValueSummary>('/api/me/value'),
      api<{ attributes: ProfileAttribute[] }>('/api/me/attributes'),
      loadCatalog(),
    ]);
    return { grants, reads: activity.events, value, filled: profile.attributes.length, catalog };
  });
  const d = data.data;
  return (
    <Page title="Overview" lead="Your data, your terms: here is what is shared, with whom, and what you got for it.">
      {data.loading && !d ? <Loading /> : null}
      <ErrorMessage error={data.error} />
      {d ? (
        <>
          {d.filled === 0 ? (
            <p class="alert alert-info">
              Your profile is empty. <a href="/profile">Fill in your profile</a> so you can share it with brands you choose.
            </p>
          ) : null}
          <div class="stats">
            <a class="stat card" href="/grants">
              <span class="stat-n">{d.grants.active.length}</span>
              <span>{d.grants.active.length === 1 ? 'brand can' : 'brands can'} read your data</span>
            </a>
            <a class="stat card" href="/profile">
              <span class="stat-n">{d.filled}</span>
              <span>{d.filled === 1 ? 'item' : 'items'} in your profile</span>
            </a>
            <a class="stat card" href="/value">
              <span class="stat-n">
                {Object.entries(d.value.totals)
                  .map(([u, n]) => amount(n, u))
                  .join(' · ') || '0'}
              </span>
              <span>value received</span>
            </a>
          </div>
          <section class="card" aria-labelledby="recent-h">
            <h2 id="recent-h">Latest reads</h2>
            {d.reads.length ? (
              <ol class="events compact">
                {d.reads.map((e) => (
                  <li key={e.id} class={`event event-${e.outcome}`}>
                    {eventSentence(e, {
                      label: (n) => labelOf(d.catalog, n),
                      revokedBy: (id) => [...d.grants.active, ...d.grants.ended].find((g) => g.id === id)?.revoked_by ?? null,
                    })}
                    <span class="muted"> · {dateTime(e.ts)}</span>
                  </li>
                ))}
              </ol>
            ) : (
              <p class="empty">No brand has read your data yet.</p>
            )}
            <p>
              <a href="/activity">All activity</a>
            </p>
          </section>
        </>
      ) : null}
    </Page>
  );
}

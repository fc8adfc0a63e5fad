// Activity (/activity): every event about me, newest first (reads, refused reads, consent
// decisions, sign-ins), each in a plain sentence, filterable by brand and kind, with a
// chart of reads over time. Each entry can be checked against the signed access log, here
// in the browser (entry-proof.tsx).
import { useState } from 'preact/hooks';
import { api, withQuery } from '../api.ts';
import { eventSentence } from '../activity-text.ts';
import { labelOf, loadCatalog } from '../catalog.ts';
import { dateTime } from '../format.ts';
import { navigate } from '../router.ts';
import type { ActivityEvent, Grant, Page as ApiPage } from '../types.ts';
import { Button, ErrorMessage, Loading, useAction, useLoad } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';
import { ActivityChart } from './activity-chart.tsx';
import { EntryProof } from './entry-proof.tsx';

type Events = ApiPage<'events', ActivityEvent>;

const KINDS: [string, string][] = [
  ['', 'Everything'],
  ['grant.read', 'Reads of my data'],
  ['intent.read', 'Reads of my intents'],
  ['grant.approved', 'Approvals'],
  ['grant.denied', 'Declined requests'],
  ['grant.revoked', 'Revocations'],
  ['value.recorded', 'Value received'],
  ['session.signed_in', 'Sign-ins'],
];

/** Up to 1,000 successful and refused reads, for the chart. */
async function readsFor(brand: string): Promise<ActivityEvent[]> {
  const all: ActivityEvent[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 5; i++) {
    const page = await api<Events>('/api/me/activity', { query: { action: 'grant.read', brand, limit: 200, cursor } });
    all.push(...page.events);
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return all;
}

export function Activity(props: { brand: string; action: string }) {
  const { brand, action: kind } = props;
  const grants = useLoad(() => api<{ active: Grant[]; ended: Grant[] }>('/api/me/grants').then((g) => [...g.active, ...g.ended]));
  const brands = [...new Map((grants.data ?? []).map((x) => [x.brand.client_id, x.brand.name])).entries()];
  const ctx = {
    label: (n: string) => labelOf(catalog.data, n),
    revokedBy: (id: string) => grants.data?.find((g) => g.id === id)?.revoked_by ?? null,
  };
  const catalog = useLoad(loadCatalog);
  const reads = useLoad(() => readsFor(brand), [brand]);
  const events = useLoad(() => api<Events>('/api/me/activity', { query: { brand, action: kind, limit: 50 } }), [brand, kind]);
  const more = useAction();
  const [extra, setExtra] = useState<{ key: string; events: ActivityEvent[]; next: string | null } | null>(null);
  const key = `${brand}|${kind}`;
  const shown = [...(events.data?.events ?? []), ...(extra?.key === key ? extra.events : [])];
  const next = extra?.key === key ? extra.next : (events.data?.next_cursor ?? null);
  const setFilter = (b: string, k: string) => navigate(withQuery('/activity', { brand: b, action: k }), { replace: true });

  return (
    <Page title="Activity" lead="Every read of your data and everything else that happened to it, newest first. Nothing is hidden from you here." wide>
      <section class="card" aria-labelledby="chart-h">
        <h2 id="chart-h">Reads over time</h2>
        {reads.loading && !reads.data ? <Loading what="the chart" /> : null}
        <ErrorMessage error={reads.error} />
        {reads.data ? <ActivityChart reads={reads.data} now={Date.now()} /> : null}
      </section>

      <section aria-labelledby="events-h">
        <h2 id="events-h">Events</h2>
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <div class="field">
            <label for="f-brand">Brand</label>
            <select id="f-brand" value={brand} onChange={(e) => setFilter(e.currentTarget.value, kind)}>
              <option value="">All brands</option>
              {brands.map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="f-kind">Show</label>
            <select id="f-kind" value={kind} onChange={(e) => setFilter(brand, e.currentTarget.value)}>
              {KINDS.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </div>
        </form>
        {events.loading && !events.data ? <Loading what="events" /> : null}
        <ErrorMessage error={events.error} />
        {events.data && !shown.length ? <p class="empty">Nothing here yet.</p> : null}
        <ol class="events">
          {shown.map((e) => (
            <li key={e.id} class={`event event-${e.outcome}`} data-action={e.action}>
              <p class="event-text">{eventSentence(e, ctx)}</p>
              <EntryProof event={e}>
                <time dateTime={e.time}>{dateTime(e.ts)}</time>
                {e.grant_id ? (
                  <>
                    {' '}
                    ·{' '}
                    <a href={`/grants/${e.grant_id}`}>
                      Open the grant<span class="visually-hidden"> for this event</span>
                    </a>
                  </>
                ) : null}
              </EntryProof>
            </li>
          ))}
        </ol>
        <ErrorMessage error={more.error} />
        {next ? (
          <Button
            busy={more.busy}
            onClick={() =>
              void more.run(async () => {
                const page = await api<Events>('/api/me/activity', { query: { brand, action: kind, limit: 50, cursor: next } });
                setExtra({ key, events: [...(extra?.key === key ? extra.events : []), ...page.events], next: page.next_cursor });
              })
            }
          >
            Show older events
          </Button>
        ) : null}
      </section>
    </Page>
  );
}

// The auditor's event viewer (/auditor?…filters): the API's filters kept in the address
// (so a view can be shared), newest-first paging, the server's self-check and the check
// against the auditor's pinned log key, and exports of exactly the filtered events. The table
// fits a 1280 px screen: brand names beside client ids, times to the second with the zone.
import { useState } from 'preact/hooks';
import { api, withQuery } from '../api.ts';
import { date, dateTimeSeconds } from '../format.ts';
import { navigate } from '../router.ts';
import type { AuditEvent, AuditorMe, Page as ApiPage } from '../types.ts';
import { Button, ErrorMessage, Loading, useLoad } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';
import { PinnedPanel } from './pinned-panel.tsx';
import { VerifyPanel } from './verify-panel.tsx';

const FILTERS = ['brand', 'consumer', 'grant', 'action', 'attribute', 'outcome', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number] | 'limit', string>;
const PAGE_SIZES = ['25', '50', '100', '200'];
const LABELS: Record<string, string> = {
  brand: 'Brand (client id)',
  consumer: 'Consumer (pseudonymous id)',
  grant: 'Grant id',
  action: 'Action (e.g. grant.read)',
  attribute: 'Attribute name',
  outcome: 'Outcome',
  from: 'From',
  to: 'Until (exclusive)',
};

const toLocal = (iso: string) => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocal = (local: string) => (local ? new Date(local).toISOString() : '');
const short = (s: string | null) => (s ? (s.length > 12 ? `${s.slice(0, 10)}…` : s) : '—');
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });

/** An identifier shortened for the table, whole in its tooltip (filters and exports take it whole). */
function Id(props: { id: string | null }) {
  return props.id ? <code title={props.id}>{short(props.id)}</code> : <>—</>;
}

export function EventViewer(props: { me: AuditorMe; query: URLSearchParams }) {
  const applied = Object.fromEntries([...FILTERS, 'limit'].map((f) => [f, props.query.get(f) ?? ''])) as Filters;
  const limit = /^\d{1,3}$/.test(applied.limit) ? Math.min(500, Math.max(1, Number(applied.limit))) : 50;
  const key = JSON.stringify(applied);
  const [draft, setDraft] = useState<Filters>(applied);
  const [cursors, setCursors] = useState<{ key: string; stack: string[] }>({ key, stack: [] });
  const stack = cursors.key === key ? cursors.stack : [];
  const cursor = stack[stack.length - 1];
  const events = useLoad(
    () => api<ApiPage<'events', AuditEvent> & { brands?: Record<string, string> }>('/v1/audit/events', { query: { ...applied, order: 'desc', limit, cursor } }),
    [key, cursor],
  );
  const names = events.data?.brands ?? {};
  const set = (k: keyof Filters) => (e: Event) => {
    const v = (e.currentTarget as HTMLInputElement).value;
    setDraft({ ...draft, [k]: k === 'from' || k === 'to' ? fromLocal(v) : v });
  };
  const { limit: _limit, ...filters } = applied;
  const exportUrl = (format: string) => withQuery('/v1/audit/export', { format, ...filters });
  const scope = props.me.brands === null ? 'all brands' : props.me.brands.length ? props.me.brands.join(', ') : 'no brands';

  return (
    <Page title="Audit log" lead={`Signed in as ${props.me.name}. You can see events of ${scope}. Every query you make is itself logged.`} wide>
      <VerifyPanel />
      <PinnedPanel />

      <section class="card" aria-labelledby="filter-h">
        <h2 id="filter-h">Filter</h2>
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            navigate(withQuery('/auditor', draft));
          }}
        >
          {FILTERS.map((f) => (
            <div class="field" key={f}>
              <label for={`f-${f}`}>{LABELS[f]}</label>
              {f === 'outcome' ? (
                <select id="f-outcome" value={draft.outcome} onChange={set('outcome')}>
                  <option value="">Any</option>
                  <option value="success">Success</option>
                  <option value="denied">Denied</option>
                  <option value="failure">Failure</option>
                </select>
              ) : f === 'from' || f === 'to' ? (
                <input id={`f-${f}`} type="datetime-local" value={toLocal(draft[f])} onInput={set(f)} />
              ) : (
                <input id={`f-${f}`} value={draft[f]} spellcheck={false} onInput={set(f)} />
              )}
            </div>
          ))}
          <div class="field">
            <label for="f-limit">Events per page</label>
            <select id="f-limit" value={String(limit)} onChange={set('limit')}>
              {(PAGE_SIZES.includes(String(limit)) ? PAGE_SIZES : [String(limit), ...PAGE_SIZES]).map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
          <div class="actions">
            <Button type="submit" variant="primary">
              Apply filters
            </Button>
            <a class="btn btn-secondary" href="/auditor">
              Clear
            </a>
          </div>
        </form>
      </section>

      <section class="card" aria-labelledby="export-h">
        <h2 id="export-h">Export</h2>
        <p>
          The events matching these filters, as a file. JSON Lines exports carry the signed checkpoints and a signed trailer; check one offline with{' '}
          <code>trove audit verify --export FILE --jwks jwks.json</code>.
        </p>
        <div class="actions">
          <a class="btn btn-secondary" href={exportUrl('jsonl')} download>
            Download JSON Lines
          </a>
          <a class="btn btn-secondary" href={exportUrl('csv')} download>
            Download CSV
          </a>
          <a class="btn btn-link" href="/.well-known/jwks.json" download="jwks.json">
            Trove’s public keys (JWKS)
          </a>
        </div>
      </section>

      <section aria-labelledby="events-h">
        <h2 id="events-h">Events, newest first</h2>
        {events.data ? (
          <p class="muted" role="status">
            Page {stack.length + 1}: {events.data.events.length} {events.data.events.length === 1 ? 'event' : 'events'}.
          </p>
        ) : null}
        <ErrorMessage error={events.error} />
        {events.loading && !events.data ? <Loading what="events" /> : null}
        {events.data ? (
          events.data.events.length ? (
            // biome-ignore lint/a11y/useSemanticElements: a scrolling table's labelled region must take focus so keyboard users can scroll it (axe: scrollable-region-focusable).
            // biome-ignore lint/a11y/noNoninteractiveTabindex: as above.
            <div class="table-scroll" role="region" aria-label="Events table" tabIndex={0}>
              <table class="events-table">
                <thead>
                  <tr>
                    <th scope="col">Seq</th>
                    <th scope="col">Time</th>
                    <th scope="col">Action</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Brand</th>
                    <th scope="col">Consumer</th>
                    <th scope="col">Grant</th>
                    <th scope="col">Attributes</th>
                  </tr>
                </thead>
                <tbody>
                  {events.data.events.map((e) => (
                    <tr key={e.id} data-action={e.action} data-outcome={e.outcome}>
                      <td>{e.seq}</td>
                      <td class="cell-time">
                        <time dateTime={e.time} title={dateTimeSeconds(e.ts)}>
                          {date(e.ts)}
                          <br />
                          {timeOnly.format(new Date(e.ts))}
                        </time>
                      </td>
                      <td class="cell-wrap">
                        {e.action}
                        {e.reason ? <span class="muted"> ({e.reason})</span> : null}
                      </td>
                      <td>
                        <span class={`badge badge-${e.outcome}`}>{e.outcome}</span>
                      </td>
                      <td>
                        {e.actor_type}
                        {e.actor_id && e.actor_id !== e.brand_id && e.actor_id !== e.consumer_id ? (
                          <>
                            <br />
                            <Id id={e.actor_id} />
                          </>
                        ) : null}
                      </td>
                      <td class="cell-brand">
                        {e.brand_id ? (
                          <>
                            {names[e.brand_id] ? <span class="brand-name-cell">{names[e.brand_id]}</span> : null}
                            <Id id={e.brand_id} />
                          </>
                        ) : (
                          '—'
                        )}
                      </td>
                      <td>
                        <Id id={e.consumer_id} />
                      </td>
                      <td>
                        <Id id={e.grant_id} />
                      </td>
                      <td class="cell-wrap">{e.attributes?.join(', ') ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p class="empty">No events match these filters.</p>
          )
        ) : null}
        <div class="actions">
          {stack.length ? <Button onClick={() => setCursors({ key, stack: stack.slice(0, -1) })}>Newer events</Button> : null}
          {events.data?.next_cursor ? <Button onClick={() => setCursors({ key, stack: [...stack, events.data!.next_cursor!] })}>Older events</Button> : null}
        </div>
      </section>
    </Page>
  );
}

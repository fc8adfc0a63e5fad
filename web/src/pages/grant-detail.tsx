// One grant (/grants/{id}): what it covers and why, value promised against value received,
// reads, receipts to download, and Revoke, with what revoking does spelled out first.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { shownLabel } from '../catalog.ts';
import { accessText, amountAfter, date, dateTime, durationText, kindText, statusText, valueText } from '../format.ts';
import type { Grant, ValueSummary } from '../types.ts';
import { BrandMark } from '../ui/brand-mark.tsx';
import { Button, ErrorMessage, Loading, Notice, useAction, useLoad } from '../ui/bits.tsx';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';
import { Page } from '../ui/page.tsx';

export function GrantDetail(props: { id: string }) {
  const grant = useLoad(() => api<Grant>(`/api/me/grants/${encodeURIComponent(props.id)}`), [props.id]);
  const value = useLoad(() => api<ValueSummary>('/api/me/value'), [props.id]);
  const [confirming, setConfirming] = useState(false);
  const [revoked, setRevoked] = useState(false);
  const action = useAction();
  const g = grant.data;
  if (!g) {
    return <Page title="Grant">{grant.loading ? <Loading what="the grant" /> : <ErrorMessage error={grant.error} />}</Page>;
  }
  const received = (value.data?.brands ?? []).flatMap((b) => b.received).filter((v) => v.grant_id === g.id);
  const revoke = () =>
    action.run(async () => {
      grant.set(await api<Grant>(`/api/me/grants/${encodeURIComponent(g.id)}/revoke`, { method: 'POST' }));
      setConfirming(false);
      setRevoked(true);
    });
  const brand = g.brand.name;
  return (
    <Page title={`${brand}: ${g.purpose.label}`} heading={brand} wide>
      <p>
        <a href="/grants">← All grants</a>
      </p>
      {revoked ? (
        <Notice tone="ok">Access revoked. {brand} can no longer read your data; its next attempt will be refused and shown under Activity.</Notice>
      ) : null}
      <section class="card brand-card" aria-label="Brand">
        <BrandMark brand={g.brand} size="large" />
        <div>
          <p class="brand-status">
            Status:{' '}
            <span class={`badge badge-${g.status}`} data-testid="grant-status">
              {statusText(g.status)}
            </span>
          </p>
          {g.brand.policy_uri ? (
            <a href={g.brand.policy_uri} target="_blank" rel="noopener noreferrer">
              Privacy policy<span class="visually-hidden"> of {brand} (opens in a new tab)</span>
            </a>
          ) : null}
        </div>
      </section>

      <div class="consent-grid">
        <section class="card" aria-labelledby="covers-h">
          <h2 id="covers-h">What it covers</h2>
          <ul class="plain-list">
            {g.attributes.map((a) => (
              <li key={a.name}>{shownLabel(a)}</li>
            ))}
          </ul>
          {g.persona ? <p class="muted">From your persona “{g.persona}”.</p> : null}
        </section>
        <section class="card" aria-labelledby="purpose-h">
          <h2 id="purpose-h">Why</h2>
          <p class="purpose">{g.purpose.label}</p>
          <p>
            In {brand}’s words: “{g.purpose.description}”
          </p>
        </section>
      </div>

      <section class="card" aria-labelledby="facts-h">
        <h2 id="facts-h">Reads and dates</h2>
        <dl class="terms">
          <div>
            <dt>Reads so far</dt>
            <dd data-testid="access-count">{g.read_count}</dd>
          </div>
          <div>
            <dt>Last read</dt>
            <dd>{g.last_read_at ? dateTime(g.last_read_at) : 'Never'}</dd>
          </div>
          <div>
            <dt>Approved</dt>
            <dd>{dateTime(g.created_at)}</dd>
          </div>
          <div>
            <dt>{g.status === 'active' ? 'Ends' : 'Ended'}</dt>
            <dd>{g.revoked_at ? `Revoked ${dateTime(g.revoked_at)}` : date(g.expires_at)}</dd>
          </div>
          <div>
            <dt>Access</dt>
            <dd>{accessText(g.access)}</dd>
          </div>
          <div>
            <dt>{brand} keeps your data</dt>
            <dd>{g.retention ? `for at most ${durationText(g.retention)} after access ends` : 'not stated'}</dd>
          </div>
        </dl>
        <p>
          <a href={`/activity?brand=${encodeURIComponent(g.brand.client_id)}`}>See every read by {brand}</a>
        </p>
      </section>

      <section class="card" aria-labelledby="value-h">
        <h2 id="value-h">Value</h2>
        <dl class="terms">
          <div>
            <dt>Promised</dt>
            <dd>{valueText(g.value_promised)}</dd>
          </div>
          <div>
            <dt>Received</dt>
            <dd>
              {received.length ? (
                <ul class="plain-list">
                  {received.map((v) => (
                    <li key={v.id}>
                      {kindText(v.kind)}: {v.description}
                      {amountAfter(v.description, v.amount, v.unit)}, {date(v.created_at)}
                      {v.reference ? ` · ref. ${v.reference}` : ''}
                    </li>
                  ))}
                </ul>
              ) : (
                'Nothing recorded yet.'
              )}
            </dd>
          </div>
        </dl>
      </section>

      <section class="card" aria-labelledby="receipts-h">
        <h2 id="receipts-h">Receipts</h2>
        <p class="hint">Signed by Trove when you approved (and when you revoke). Anyone with Trove’s public keys can check them.</p>
        <ul class="plain-list">
          {(g.receipts ?? []).map((r) => (
            <li key={r.id}>
              <a href={`/api/me/receipts/${encodeURIComponent(r.id)}`} download={`trove-receipt-${r.id}.json`}>
                Download the {r.event === 'revoked' ? 'revocation' : 'consent'} receipt of {dateTime(r.created_at)}
              </a>
            </li>
          ))}
        </ul>
      </section>

      {g.status === 'active' ? (
        <section class="card danger-zone" aria-labelledby="revoke-h">
          <h2 id="revoke-h">Revoke</h2>
          <p>Stop {brand} reading your data, starting now.</p>
          <Button
            variant="danger"
            onClick={() => {
              action.setError(null);
              setConfirming(true);
            }}
          >
            Revoke access…
          </Button>
        </section>
      ) : null}

      <ConfirmDialog
        open={confirming}
        title={`Revoke ${brand}’s access?`}
        confirmLabel="Revoke access"
        danger
        busy={action.busy}
        error={action.error}
        onConfirm={() => void revoke()}
        onCancel={() => setConfirming(false)}
      >
        <ul>
          <li>{brand} can no longer read your data. Its next read is refused, and you will see the attempt under Activity.</li>
          <li>
            {brand} is told at once, with a signed notice, and is expected to delete what it holds{g.retention ? ` within ${durationText(g.retention)}` : ''}.
          </li>
          <li>
            What {brand} has already read ({g.read_count === 1 ? '1 read' : `${g.read_count} reads`}) cannot be taken back by Trove.
          </li>
          {g.value_promised ? (
            <li>
              What {brand} promised you, “{valueText(g.value_promised)}”, may end with the grant.
            </li>
          ) : null}
          <li>You get a signed receipt of the revocation. To share again, {brand} has to ask you again.</li>
        </ul>
      </ConfirmDialog>
    </Page>
  );
}

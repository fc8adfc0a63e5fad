// The consent screen (/consent?request=…): who is asking, every attribute with what would be
// sent for it, required vs optional (optional ones start unticked), the purpose in plain
// words, the value offered, duration, access mode and retention, the agreement the request is
// made under beside the consumer's own terms (flagged when they differ); Approve or Deny in a bar
// that stays in reach on a phone, counting only the values that will actually be sent.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { loadCatalog } from '../catalog.ts';
import { accessText, date, dateTime, valueText } from '../format.ts';
import type { Catalog, ConsentRequest, ProfileAttribute } from '../types.ts';
import { BrandMark } from '../ui/brand-mark.tsx';
import { Button, ErrorMessage, Loading, Notice, useAction, useLoad } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';
import { ConsentAttributes, sendsSomething } from './consent-attributes.tsx';
import { ConsentTerms } from './consent-terms.tsx';

type Loaded = { request: ConsentRequest; profile: ProfileAttribute[]; catalog: Catalog };

async function load(id: string): Promise<Loaded> {
  const [request, profile, catalog] = await Promise.all([
    api<ConsentRequest>(`/api/me/requests/${encodeURIComponent(id)}`),
    api<{ attributes: ProfileAttribute[] }>('/api/me/attributes'),
    loadCatalog(),
  ]);
  return { request, profile: profile.attributes, catalog };
}

export function Consent(props: { id: string | null }) {
  const loaded = useLoad(() => (props.id ? load(props.id) : Promise.reject(new Error('This link has no request in it.'))), [props.id]);
  if (loaded.loading && !loaded.data)
    return (
      <Page title="A request for your data">
        <Loading what="the request" />
      </Page>
    );
  if (!loaded.data) {
    return (
      <Page title="This request cannot be shown">
        <ErrorMessage error={loaded.error} />
        <p>Requests last a few minutes and can be answered once. Go back to the brand’s site and start again.</p>
      </Page>
    );
  }
  return <Decision {...loaded.data} reload={loaded.reload} />;
}

function Decision({ request: r, profile, catalog, reload }: Loaded & { reload: () => void }) {
  const optional = r.attributes.filter((a) => !a.required);
  const required = r.attributes.filter((a) => a.required);
  const [kept, setKept] = useState(() => new Set<string>());
  const [leaving, setLeaving] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);
  const action = useAction();
  const brand = r.brand.name;
  const granted = [...required, ...optional.filter((a) => kept.has(a.name))];
  // What the brand receives now: granted items the profile has a value for.
  const sent = granted.filter((a) => sendsSomething(profile, r.persona, a.name)).length;
  const decide = (how: 'approve' | 'deny') =>
    action.run(async () => {
      const body = how === 'approve' ? { attributes: granted.map((a) => a.name) } : {};
      const { redirect_to } = await api<{ redirect_to: string }>(`/api/me/requests/${encodeURIComponent(r.id)}/${how}`, { method: 'POST', body });
      setLeaving(how === 'approve' ? `Approved. Taking you back to ${brand}…` : `Declined. Taking you back to ${brand}…`);
      location.assign(redirect_to);
    });
  const toggle = (name: string, on: boolean) =>
    setKept((s) => {
      const next = new Set(s);
      if (on) next.add(name);
      else next.delete(name);
      return next;
    });

  if (r.status !== 'pending') {
    return (
      <Page title="Already answered">
        <Notice>
          You have already answered this request from {brand}. Its result went back to {brand}.
        </Notice>
      </Page>
    );
  }

  return (
    <Page title={`${brand} asks for your data`} heading={<>{brand} asks for your data</>} wide>
      <div class="consent">
        <section class="card brand-card" aria-label="Who is asking">
          <BrandMark brand={r.brand} size="large" />
          <div>
            <p class="brand-name">{brand}</p>
            <ul class="inline-list">
              {r.brand.homepage ? (
                <li>
                  <a href={r.brand.homepage} target="_blank" rel="noopener noreferrer">
                    Website
                  </a>
                </li>
              ) : null}
              {r.brand.policy_uri ? (
                <li>
                  <a href={r.brand.policy_uri} target="_blank" rel="noopener noreferrer">
                    Privacy policy<span class="visually-hidden"> of {brand} (opens in a new tab)</span>
                  </a>
                </li>
              ) : (
                <li>No privacy policy link given</li>
              )}
              {r.brand.contact ? <li>Contact: {r.brand.contact}</li> : null}
            </ul>
          </div>
        </section>

        <ConsentTerms request={r} />

        <div class="consent-grid">
          <section class="card" aria-labelledby="why-h" data-consent="purpose">
            <h2 id="why-h">Why</h2>
            <p class="purpose">{r.purpose.label}</p>
            <p>
              In {brand}’s words: “{r.purpose.description}”
            </p>
          </section>
          <section class="card" aria-labelledby="value-h" data-consent="value">
            <h2 id="value-h">What you get</h2>
            <p class="offer">{valueText(r.value)}</p>
          </section>
        </div>

        <ConsentAttributes
          request={r}
          profile={profile}
          catalog={catalog}
          kept={kept}
          onToggle={toggle}
          onAdded={async (_name, label) => {
            setAdded(`${label} is now in your profile.`);
            reload();
          }}
        />

        <section class="card" aria-labelledby="terms-h">
          <h2 id="terms-h">For how long</h2>
          <dl class="terms">
            <div data-consent="duration">
              <dt>Access lasts</dt>
              <dd>
                {r.duration.text}, until {date(r.duration.until)}, unless you revoke it sooner.
              </dd>
            </div>
            <div data-consent="access">
              <dt>Access</dt>
              <dd>{accessText(r.access)}</dd>
            </div>
            <div data-consent="retention">
              <dt>{brand} keeps your data</dt>
              <dd>
                {r.retention
                  ? `for at most ${r.retention.text} after access ends, then deletes it.`
                  : `${brand} has not said how long it keeps your data after access ends.`}
              </dd>
            </div>
          </dl>
          <p class="hint">Every read is logged and shown to you under Activity. You can revoke at any time under Grants; reads stop at once.</p>
        </section>
        <p class="hint">This request expires at {dateTime(r.expires_at)}.</p>

        {/* Sticky: on a phone the decision stays in reach however far the request runs. */}
        {/* biome-ignore lint/a11y/useSemanticElements: two buttons and a status line, not form fields: a group, not a fieldset. */}
        <div class="decision-bar" role="group" aria-label="Your decision">
          <p class="visually-hidden" role="status">
            {added ?? ''}
          </p>
          <ErrorMessage error={action.error} />
          {leaving ? <Notice tone="ok">{leaving}</Notice> : null}
          <div class="actions decision">
            <Button variant="primary" busy={action.busy || Boolean(leaving)} onClick={() => void decide('approve')}>
              Approve and share {sent === 1 ? '1 item' : `${sent} items`}
            </Button>
            <Button busy={action.busy || Boolean(leaving)} onClick={() => void decide('deny')}>
              Deny
            </Button>
          </div>
        </div>
      </div>
    </Page>
  );
}

// Offers on one of my market intents (/intents/{id}/offers): side by side, each with the
// brand, the value it offers, what it asks for and for how long, why, and the terms it is
// made under beside mine. New offers arrive live (an EventSource on the offer stream, which
// reconnects by itself and resumes after the last offer it got) and are announced politely;
// so are status changes (accepted or declined in another tab, not taken, expired), in place.
// Accepting one opens its request on the consent screen, where nothing is shared until I
// approve; the intent's other offers are then not taken. Declining one closes it.
import { useEffect, useState } from 'preact/hooks';
import { api, withQuery } from '../api.ts';
import { labelOf, loadCatalog } from '../catalog.ts';
import { amountAfter, date, dateTime, durationText, kindText } from '../format.ts';
import { navigate } from '../router.ts';
import type { Catalog, Intent, MarketOffer } from '../types.ts';
import { BrandMark } from '../ui/brand-mark.tsx';
import { Button, ErrorMessage, Loading, useAction, useLoad } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';

type Loaded = { intent: Intent; offers: MarketOffer[]; catalog: Catalog };

const STATUS: Record<MarketOffer['status'], { text: string; badge: string }> = {
  open: { text: 'Open', badge: 'badge-active' },
  accepted: { text: 'Accepted', badge: 'badge-success' },
  declined: { text: 'Declined', badge: 'badge-expired' },
  not_taken: { text: 'Not taken', badge: 'badge-expired' },
  expired: { text: 'Expired', badge: 'badge-expired' },
};

/** "15% off running shoes", with the amount when the description does not say it. */
export function offerValue(o: MarketOffer['offer']): string {
  return `${o.description}${amountAfter(o.description, o.amount, o.unit ?? o.currency)}`;
}

const byArrival = (a: MarketOffer, b: MarketOffer) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1);

export function IntentOffers(props: { id: string }) {
  const loaded = useLoad<Loaded>(async () => {
    const path = `/api/me/intents/${encodeURIComponent(props.id)}`;
    const [intent, list, catalog] = await Promise.all([api<Intent>(path), api<{ offers: MarketOffer[] }>(`${path}/offers`), loadCatalog()]);
    return { intent, offers: list.offers, catalog };
  }, [props.id]);
  if (!loaded.data) {
    return (
      <Page title="Offers">
        {loaded.loading ? <Loading what="the offers" /> : <ErrorMessage error={loaded.error} />}
        <p>
          <a href="/intents">Back to your intents</a>
        </p>
      </Page>
    );
  }
  return <OffersView key={props.id} {...loaded.data} />;
}

function OffersView({ intent, offers: initial, catalog }: Loaded) {
  const [offers, setOffers] = useState(() => [...initial].sort(byArrival));
  const [heard, setHeard] = useState('');
  const [live, setLive] = useState<'connecting' | 'on' | 'stopped'>('connecting');
  const action = useAction();
  const open = intent.status === 'open';

  useEffect(() => {
    if (!open) return;
    const last = initial.length ? [...initial].sort(byArrival).at(-1)! : null;
    // Same origin, so the session cookie goes along; the server resumes after Last-Event-ID on reconnects.
    const es = new EventSource(withQuery('/api/me/offers/stream', { intent: intent.id, after: last ? `${last.created_at}:${last.id}` : undefined }));
    es.addEventListener('open', () => setLive('on'));
    es.addEventListener('error', () => setLive(es.readyState === EventSource.CLOSED ? 'stopped' : 'connecting'));
    es.addEventListener('offer', (e) => {
      const o = JSON.parse((e as MessageEvent<string>).data) as MarketOffer;
      setOffers((now) => (now.some((x) => x.id === o.id) ? now : [...now, o].sort(byArrival)));
      setHeard(`New offer from ${o.brand.name}: ${offerValue(o.offer)}.`);
    });
    // Accepted or declined in another tab, not taken, expired: the card changes in place.
    es.addEventListener('status', (e) => {
      const { id, status } = JSON.parse((e as MessageEvent<string>).data) as { id: string; status: MarketOffer['status'] };
      setOffers((now) => {
        const o = now.find((x) => x.id === id);
        if (!o || o.status === status) return now;
        setHeard(`The offer from ${o.brand.name} is now ${(STATUS[status]?.text ?? status).toLowerCase()}.`);
        return now.map((x) => (x.id === id ? { ...x, status } : x));
      });
    });
    return () => es.close();
  }, [intent.id, open]);

  const accept = (o: MarketOffer) =>
    action.run(async () => {
      const { request_id } = await api<{ request_id: string }>(`/api/me/offers/${encodeURIComponent(o.id)}/accept`, { method: 'POST' });
      navigate(withQuery('/consent', { request: request_id }));
    });
  const decline = (o: MarketOffer) =>
    action.run(async () => {
      await api(`/api/me/offers/${encodeURIComponent(o.id)}/decline`, { method: 'POST' });
      setOffers((now) => now.map((x) => (x.id === o.id ? { ...x, status: 'declined' } : x)));
      setHeard(`You declined the offer from ${o.brand.name}.`);
    });

  const openCount = offers.filter((o) => o.status === 'open').length;
  return (
    <Page
      title={`Offers: ${intent.text}`}
      heading={<>Offers for “{intent.text}”</>}
      lead="Brands that accept your terms see this intent under a pseudonym, never your name or your profile. Compare their offers here. Accepting one opens its request on the consent screen, where nothing is shared until you approve; the other offers are then not taken."
      wide
    >
      <p>
        <a href="/intents">Back to your intents</a>
      </p>
      <div class="offers-status" data-live={open ? live : undefined}>
        <p>
          {offers.length ? `${offers.length} ${offers.length === 1 ? 'offer' : 'offers'}, ${openCount} open.` : 'No offers yet.'}{' '}
          {open
            ? live === 'stopped'
              ? 'New offers no longer appear by themselves: reload the page to see them.'
              : 'New offers appear here as brands make them.'
            : `This intent is ${intent.status === 'withdrawn' ? 'withdrawn' : 'past its date'}: brands can no longer make offers on it.`}
        </p>
        <p class="visually-hidden" role="status" data-offers="announce">
          {heard}
        </p>
      </div>
      <ErrorMessage error={action.error} />
      {offers.length ? (
        <ul class="offer-grid" aria-label="Offers">
          {offers.map((o) => (
            <OfferCard key={o.id} offer={o} catalog={catalog} busy={action.busy} onAccept={() => void accept(o)} onDecline={() => void decline(o)} />
          ))}
        </ul>
      ) : null}
    </Page>
  );
}

function OfferCard(props: { offer: MarketOffer; catalog: Catalog; busy: boolean; onAccept: () => void; onDecline: () => void }) {
  const o = props.offer;
  const brand = o.brand.name;
  const h = `offer-${o.id}-h`;
  const status = STATUS[o.status] ?? { text: o.status, badge: 'badge-expired' };
  const asks = [
    ...o.asks_for.attributes.map((a) => labelOf(props.catalog, a)),
    ...o.asks_for.optional_attributes.map((a) => `${labelOf(props.catalog, a)} (optional)`),
  ];
  return (
    <li class="card offer-card" data-offer={o.id}>
      <div class="offer-head">
        <BrandMark brand={o.brand} />
        <h2 id={h}>{brand}</h2>
        <span class={`badge ${status.badge}`}>{status.text}</span>
      </div>
      <dl class="offer-facts">
        <div data-offer-part="value">
          <dt>What you get</dt>
          <dd>
            <span class="offer">{offerValue(o.offer)}</span> <span class="tag">{kindText(o.offer.kind)}</span>
          </dd>
        </div>
        <div data-offer-part="asks">
          <dt>It asks for</dt>
          <dd>
            <ul class="offer-asks">
              {asks.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ul>
          </dd>
        </div>
        <div data-offer-part="access">
          <dt>For how long</dt>
          <dd>
            {o.asks_for.access === 'once' ? 'One read' : 'Ongoing reads'}, access lasting {durationText(o.asks_for.duration)}
          </dd>
        </div>
        <div data-offer-part="purpose">
          <dt>Why</dt>
          <dd>
            In {brand}’s words: “{o.purpose.description}”
          </dd>
        </div>
        <div data-offer-part="terms">
          <dt>Terms</dt>
          <dd>
            {o.agreement ? o.agreement.title : 'None named'}
            <TermsFlag offer={o} />
          </dd>
        </div>
      </dl>
      <p class="hint">{o.status === 'open' ? `Open until ${date(o.expires_at)}.` : `Made ${dateTime(o.created_at)}.`}</p>
      {o.status === 'open' ? (
        <div class="actions">
          <Button variant="primary" busy={props.busy} onClick={props.onAccept}>
            Accept<span class="visually-hidden"> the offer from {brand}</span>
          </Button>
          <Button busy={props.busy} onClick={props.onDecline}>
            Decline<span class="visually-hidden"> the offer from {brand}</span>
          </Button>
        </div>
      ) : null}
    </li>
  );
}

function TermsFlag(props: { offer: MarketOffer }) {
  const o = props.offer;
  if (o.terms_match === true) {
    return (
      <span class="terms-match" data-terms="match">
        <svg class="terms-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M5 12.5l4.5 4.5L19 7.5" />
        </svg>
        Matches your terms
      </span>
    );
  }
  if (o.terms_match === false && o.my_terms) {
    return (
      <span class="terms-flag-inline" data-terms="mismatch">
        Not your terms ({o.my_terms.title})
      </span>
    );
  }
  return null;
}

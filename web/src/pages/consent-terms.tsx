// The consent screen's terms: the agreement the brand's request is made under, with what it
// says, beside the terms the consumer proffers (My terms). Other terms are flagged, never
// refused: the consumer may still approve, knowingly. Nothing shows when neither side names
// any terms.
import type { ConsentRequest, Term } from '../types.ts';

export function ConsentTerms(props: { request: ConsentRequest }) {
  const r = props.request;
  const agreement = r.agreement ?? null;
  const mine = r.my_terms ?? null;
  if (!agreement && !mine) return null;
  const brand = r.brand.name;
  return (
    <section class="card" aria-labelledby="agreement-h" data-consent="agreement">
      <h2 id="agreement-h">On what terms</h2>
      {agreement ? (
        <>
          <p class="agreement">
            Terms: <strong>{agreement.title}</strong>
          </p>
          <Summary term={agreement} label="What these terms say" />
        </>
      ) : (
        <p class="agreement">
          Terms: <strong>none named</strong>
        </p>
      )}
      {mine && r.terms_match === true ? (
        <p class="terms-match" data-terms="match">
          <svg class="terms-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M5 12.5l4.5 4.5L19 7.5" />
          </svg>
          Matches your terms.
        </p>
      ) : null}
      {mine && r.terms_match !== true ? (
        <div class="alert alert-warn terms-flag" data-terms="mismatch">
          {agreement ? (
            <p>
              <strong>These are not your terms</strong> ({mine.title}). You can still approve, knowingly.
            </p>
          ) : (
            <p>
              <strong>{brand} names no agreement</strong> for this request, so it has not agreed to your terms ({mine.title}). You can still approve, knowingly.
            </p>
          )}
          <Summary term={mine} label="What your terms say" />
        </div>
      ) : null}
      {agreement && !mine ? (
        <p class="hint">You have not chosen terms of your own. You can, under My terms: requests under other terms are then flagged here.</p>
      ) : null}
    </section>
  );
}

function Summary(props: { term: Term; label: string }) {
  const t = props.term;
  return (
    <details class="term-summary">
      <summary>
        {props.label}
        <span class="visually-hidden">: {t.title}</span>
      </summary>
      <p>{t.summary}</p>
      <p>
        <a href={t.source} target="_blank" rel="noopener noreferrer">
          Where this agreement comes from<span class="visually-hidden"> (opens in a new tab)</span>
        </a>
      </p>
    </details>
  );
}

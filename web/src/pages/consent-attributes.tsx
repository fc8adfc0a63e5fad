// The consent screen's "what they will see": each requested item with what it is and the
// value that would be shared (or that nothing is, when the profile lacks it); required
// items are stated, optional ones have a box to untick.
import { shown } from '../format.ts';
import type { Catalog, ConsentRequest, ProfileAttribute } from '../types.ts';

type Item = ConsentRequest['attributes'][number];

export function ConsentAttributes(props: {
  request: ConsentRequest; profile: ProfileAttribute[]; catalog: Catalog; kept: Set<string>; onToggle: (name: string, on: boolean) => void;
}) {
  const { request: r, profile, catalog, kept } = props;
  const brand = r.brand.name;
  const required = r.attributes.filter((a) => a.required);
  const optional = r.attributes.filter((a) => !a.required);
  const valueOf = (name: string) => {
    const mine = profile.filter((p) => p.name === name);
    return (mine.find((p) => p.persona === r.persona) ?? mine.find((p) => p.persona === null))?.value;
  };
  const missing = r.attributes.filter((a) => a.name !== 'intents' && valueOf(a.name) === undefined);
  const row = (a: Item) => {
    const v = a.name === 'intents' ? undefined : valueOf(a.name);
    const value = a.name === 'intents' ? 'Your open intents (what you are looking for)' : v !== undefined ? shown(v) : null;
    const why = catalog.attributes.find((c) => c.name === a.name)?.description;
    return (
      <>
        <span class="attr-label">{a.label}</span>
        {why ? <span class="attr-why">{why}</span> : null}
        {value !== null
          ? <span class="attr-value">Shares: <strong>{value}</strong></span>
          : <span class="attr-missing">Not in your profile, so nothing is shared for this.</span>}
      </>
    );
  };
  return (
    <section class="card" aria-labelledby="what-h" data-consent="attributes">
      <h2 id="what-h">What {brand} will see</h2>
      {missing.length ? (
        <p class="alert alert-info">
          {missing.length === 1 ? 'One item is' : `${missing.length} items are`} not in your profile yet.{' '}
          <a href="/profile" target="_blank" rel="noopener">Add to your profile<span class="visually-hidden"> (opens in a new tab)</span></a>, then reload this page.
        </p>
      ) : null}
      {r.persona ? <p>Values from your persona “{r.persona}” where you have them.</p> : null}
      <h3>Required</h3>
      <p class="hint">{brand} needs these for this request. If you do not want to share them, decline.</p>
      <ul class="attr-list">
        {required.map((a) => <li key={a.name} data-attribute={a.name} class="attr"><div class="attr-text">{row(a)}</div><span class="tag">Required</span></li>)}
      </ul>
      {optional.length ? (
        <fieldset>
          <legend><h3>Optional</h3></legend>
          <p class="hint">Untick anything you would rather keep to yourself.</p>
          <ul class="attr-list">
            {optional.map((a) => (
              <li key={a.name} data-attribute={a.name} class="attr attr-optional">
                <input type="checkbox" id={`opt-${a.name}`} checked={kept.has(a.name)} onChange={(e) => props.onToggle(a.name, e.currentTarget.checked)} />
                <label for={`opt-${a.name}`}>{row(a)}</label>
              </li>
            ))}
          </ul>
        </fieldset>
      ) : null}
    </section>
  );
}

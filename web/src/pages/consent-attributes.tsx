// The consent screen's "what they will see": each requested item with what it is and what
// will actually be sent for it. Required items are stated; optional ones start unticked
// (a pre-ticked box is not consent) and read "Not shared" until ticked. An item missing
// from the profile says so and can be added here, without leaving the request.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { isCustom, shownLabel } from '../catalog.ts';
import { shown } from '../format.ts';
import type { Catalog, CatalogEntry, ConsentRequest, ProfileAttribute } from '../types.ts';
import { Button } from '../ui/bits.tsx';
import { AttributeEditor } from './attribute-editor.tsx';

type Item = ConsentRequest['attributes'][number];
const INTENTS = 'intents';

/** The value a grant for this persona would send now: the persona's own, else the everyday one. */
export function valueFor(profile: ProfileAttribute[], persona: string | null, name: string): unknown {
  const mine = profile.filter((p) => p.name === name);
  return (mine.find((p) => persona !== null && p.persona === persona) ?? mine.find((p) => p.persona === null))?.value;
}

/** Whether approving with this item sends something now (intents: the list itself). */
export const sendsSomething = (profile: ProfileAttribute[], persona: string | null, name: string) =>
  name === INTENTS || valueFor(profile, persona, name) !== undefined;

export function ConsentAttributes(props: {
  request: ConsentRequest;
  profile: ProfileAttribute[];
  catalog: Catalog;
  kept: Set<string>;
  onToggle: (name: string, on: boolean) => void;
  onAdded: (name: string, label: string) => Promise<void>;
}) {
  const { request: r, profile, catalog, kept } = props;
  const brand = r.brand.name;
  const required = r.attributes.filter((a) => a.required);
  const optional = r.attributes.filter((a) => !a.required);
  const missing = r.attributes.filter((a) => !sendsSomething(profile, r.persona, a.name));
  const [editing, setEditing] = useState<string | null>(null);
  const [focusRow, setFocusRow] = useState<string | null>(null);
  // After an in-place add, the Add button is gone: keep the keyboard where the item is.
  useEffect(() => {
    if (focusRow && sendsSomething(profile, r.persona, focusRow)) {
      (document.getElementById(`opt-${focusRow}`) ?? document.getElementById(`row-${focusRow}`))?.focus();
      setFocusRow(null);
    }
  }, [focusRow, profile]);

  const entryOf = (a: Item): CatalogEntry =>
    catalog.attributes.find((c) => c.name === a.name) ?? {
      name: a.name,
      label: shownLabel(a),
      type: 'json',
      example: '',
      description: isCustom(a.name) ? `${brand} asks for an item of your own.` : '',
    };

  const state = (a: Item) => {
    const label = shownLabel(a);
    const v = valueFor(profile, r.persona, a.name);
    const value = a.name === INTENTS ? 'your open intents (what you are looking for)' : v !== undefined ? shown(v) : null;
    const on = a.required || kept.has(a.name);
    const add =
      value === null ? (
        editing === a.name ? (
          <AttributeEditor
            entry={entryOf(a)}
            value={undefined}
            onCancel={() => setEditing(null)}
            onSave={async (value) => {
              await api(`/api/me/attributes/${encodeURIComponent(a.name)}`, { method: 'PUT', body: { value, persona: null } });
              setEditing(null);
              setFocusRow(a.name);
              await props.onAdded(a.name, label);
            }}
          />
        ) : (
          <Button variant="link" onClick={() => setEditing(a.name)}>
            Add to your profile<span class="visually-hidden">: {label}</span>
          </Button>
        )
      ) : null;
    return (
      <>
        <span id={`state-${a.name}`} class="attr-state">
          {!on ? (
            <>
              <strong class="attr-off">Not shared</strong>
              {value !== null ? <span class="attr-would"> · Tick to share: {value}</span> : <span class="attr-would"> · Not in your profile</span>}
            </>
          ) : value !== null ? (
            <span class="attr-value">
              Shares: <strong>{value}</strong>
            </span>
          ) : (
            <span class="attr-missing">Not in your profile, so nothing is shared for this.</span>
          )}
        </span>
        {add}
      </>
    );
  };
  const why = (a: Item) => catalog.attributes.find((c) => c.name === a.name)?.description;

  return (
    <section class="card" aria-labelledby="what-h" data-consent="attributes">
      <h2 id="what-h">What {brand} will see</h2>
      {missing.length ? (
        <p class="alert alert-info">
          {missing.length === 1 ? 'One item is' : `${missing.length} items are`} not in your profile yet, so nothing would be sent for{' '}
          {missing.length === 1 ? 'it' : 'them'}. You can add {missing.length === 1 ? 'it' : 'them'} below without leaving this request.
        </p>
      ) : null}
      {r.persona ? <p>Values from your persona “{r.persona}” where you have them.</p> : null}
      <h3>Required</h3>
      <p class="hint">{brand} needs these for this request. If you do not want to share them, decline.</p>
      <ul class="attr-list">
        {required.map((a) => (
          <li key={a.name} id={`row-${a.name}`} tabIndex={-1} data-attribute={a.name} class="attr">
            <div class="attr-text">
              <span class="attr-label">{shownLabel(a)}</span>
              {why(a) ? <span class="attr-why">{why(a)}</span> : null}
              {state(a)}
            </div>
            <span class="tag">Required</span>
          </li>
        ))}
      </ul>
      {optional.length ? (
        <fieldset>
          <legend>
            <h3>Optional</h3>
          </legend>
          <p class="hint">Nothing here is shared unless you tick it.</p>
          <ul class="attr-list">
            {optional.map((a) => (
              <li key={a.name} id={`row-${a.name}`} data-attribute={a.name} class={kept.has(a.name) ? 'attr attr-optional attr-on' : 'attr attr-optional'}>
                <input
                  type="checkbox"
                  id={`opt-${a.name}`}
                  checked={kept.has(a.name)}
                  aria-describedby={`state-${a.name}`}
                  onChange={(e) => props.onToggle(a.name, e.currentTarget.checked)}
                />
                <div class="attr-text">
                  <label for={`opt-${a.name}`}>
                    <span class="attr-label">{shownLabel(a)}</span>
                    {why(a) ? <span class="attr-why">{why(a)}</span> : null}
                  </label>
                  {state(a)}
                </div>
              </li>
            ))}
          </ul>
        </fieldset>
      ) : null}
    </section>
  );
}

// The profile (/profile): per section, the items that have a value first, and the empty
// ones behind that section's "Add more", so the page shows what Trove holds rather than a
// wall of blanks; personas; items of the consumer's own; removal with Undo.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { customLabel, loadCatalog } from '../catalog.ts';
import type { Catalog, CatalogEntry, Persona, ProfileAttribute } from '../types.ts';
import { Button, ErrorMessage, Loading, Notice, useAction, useLoad } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';
import { Personas } from './personas.tsx';
import { AddCustom } from './profile-custom.tsx';
import { AttributeRow, type Removed, valuesOf } from './profile-row.tsx';

const GROUPS: [string, string[]][] = [
  ['About you', ['given_name', 'family_name', 'name', 'birthdate', 'gender', 'occupation', 'employer', 'income_band']],
  ['Contact', ['email', 'phone', 'postal_address', 'country', 'language', 'contact_channel', 'contact_time', 'marketing_consent_note']],
  ['Sizes and style', ['clothing_size', 'trouser_size', 'shoe_size', 'preferred_brands', 'interests']],
  ['Food, travel and stays', ['dietary_needs', 'travel_seat', 'travel_meal', 'hotel_preferences', 'loyalty_memberships']],
  ['Home and life', ['household_size', 'children_birth_years', 'pets', 'car', 'accessibility_needs']],
];
const OWN = 'Your own items';

type Data = { catalog: Catalog; profile: ProfileAttribute[]; personas: Persona[] };

export function Profile() {
  const data = useLoad<Data>(async () => {
    const [catalog, profile, personas] = await Promise.all([
      loadCatalog(),
      api<{ attributes: ProfileAttribute[] }>('/api/me/attributes'),
      api<{ personas: Persona[] }>('/api/me/personas'),
    ]);
    return { catalog, profile: profile.attributes, personas: personas.personas };
  });
  const [persona, setPersona] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [removed, setRemoved] = useState<(Removed & { group: string }) | null>(null);
  // After a save, remove or undo the control used is gone: once the profile has been
  // fetched again (a new data object), focus goes where the item now is.
  const [focus, setFocus] = useState<{ id: string; before: Data | undefined } | null>(null);
  const undo = useAction();
  useEffect(() => {
    if (focus && data.data && data.data !== focus.before && !data.loading) {
      document.getElementById(focus.id)?.focus();
      setFocus(null);
    }
  }, [focus, data.data, data.loading]);
  if (!data.data) return <Page title="Your profile">{data.loading ? <Loading what="your profile" /> : <ErrorMessage error={data.error} />}</Page>;
  const { catalog, profile, personas } = data.data;
  const known = new Set(GROUPS.flatMap(([, names]) => names));
  const groups: [string, CatalogEntry[]][] = [
    ...GROUPS.map(([title, names]): [string, CatalogEntry[]] => [
      title,
      names.map((n) => catalog.attributes.find((c) => c.name === n)).filter((c): c is CatalogEntry => Boolean(c)),
    ]),
    ['More', catalog.attributes.filter((c) => !known.has(c.name))],
  ].filter(([, list]) => list!.length) as [string, CatalogEntry[]][];
  const custom = [...new Set(profile.filter((p) => p.custom).map((p) => p.name))];
  const customEntry = (name: string): CatalogEntry => ({ name, label: customLabel(name), type: 'json', example: '', description: 'An item of your own' });
  const personaLabel = personas.find((p) => p.name === persona)?.label;
  const filled = (e: CatalogEntry) => {
    const { own, fallback } = valuesOf(profile, e.name, persona);
    return Boolean(own ?? fallback);
  };

  const onSaved = (name: string, label: string) => {
    setRemoved(null);
    setSaved(`Saved ${label}.`);
    setFocus({ id: `edit-${name}`, before: data.data });
    data.reload();
  };
  const onRemoved = (group: string) => (r: Removed) => {
    setSaved(null);
    setRemoved({ ...r, group });
    setFocus({ id: 'undo-remove', before: data.data });
    data.reload();
  };
  const undoNotice = (group: string) =>
    removed?.group === group ? (
      <div class="alert alert-info undo" role="status">
        <span>Removed {removed.label}.</span>
        <Button
          id="undo-remove"
          busy={undo.busy}
          onClick={() =>
            void undo.run(async () => {
              await api(`/api/me/attributes/${encodeURIComponent(removed.name)}`, {
                method: 'PUT',
                body: { value: removed.value, persona: removed.persona || null },
              });
              onSaved(removed.name, removed.label);
              setSaved(`${removed.label} is back.`);
            })
          }
        >
          Undo<span class="visually-hidden"> removing {removed.label}</span>
        </Button>
        <ErrorMessage error={undo.error} />
      </div>
    ) : null;
  const row = (group: string) => (e: CatalogEntry) => (
    <AttributeRow key={`${e.name}|${persona}`} entry={e} persona={persona} profile={profile} onSaved={onSaved} onRemoved={onRemoved(group)} />
  );

  return (
    <Page
      title="Your profile"
      lead="Fill in what you are happy to share. Nothing leaves Trove until you approve a brand’s request, and only the items you approve."
      wide
    >
      <Personas
        personas={personas}
        selected={persona}
        onSelect={(p) => {
          setPersona(p);
          setRemoved(null);
        }}
        onChanged={data.reload}
      />
      {persona ? (
        <Notice>Editing the “{personaLabel}” persona. Where it has no value of its own, brands asking for this persona get your everyday value.</Notice>
      ) : null}
      <p class="visually-hidden" role="status">
        {saved ?? ''}
      </p>
      {groups.map(([title, entries]) => {
        const have = entries.filter(filled);
        const empty = entries.filter((e) => !filled(e));
        const id = `g-${title.replace(/\W+/g, '-')}`;
        return (
          <section class="card" key={title} aria-labelledby={id}>
            <h2 id={id}>{title}</h2>
            {undoNotice(title)}
            {have.length ? <ul class="attr-rows">{have.map(row(title))}</ul> : <p class="empty">Nothing here yet.</p>}
            {empty.length ? (
              <details class="add-more">
                <summary>
                  Add more<span class="visually-hidden"> to {title}</span> <span class="muted">({empty.length} not filled in)</span>
                </summary>
                <ul class="attr-rows">{empty.map(row(title))}</ul>
              </details>
            ) : null}
          </section>
        );
      })}
      <section class="card" aria-labelledby="custom-h">
        <h2 id="custom-h">{OWN}</h2>
        <p class="hint">Anything not in the lists above, named in your own words.</p>
        {undoNotice(OWN)}
        {custom.length ? <ul class="attr-rows">{custom.map((n) => row(OWN)(customEntry(n)))}</ul> : null}
        <AddCustom persona={persona} profile={profile} onAdded={onSaved} />
      </section>
    </Page>
  );
}

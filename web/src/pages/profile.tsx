// The profile (/profile): the catalogue's attributes in groups, with the value held for
// the chosen persona; add, edit or remove each; personas; custom "x-" attributes.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { loadCatalog } from '../catalog.ts';
import { shown } from '../format.ts';
import type { Catalog, CatalogEntry, Persona, ProfileAttribute } from '../types.ts';
import { Button, ErrorMessage, Loading, Notice, useAction, useLoad } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';
import { AttributeEditor } from './attribute-editor.tsx';
import { Personas } from './personas.tsx';

const GROUPS: [string, string[]][] = [
  ['About you', ['given_name', 'family_name', 'name', 'birthdate', 'gender', 'occupation', 'employer', 'income_band']],
  ['Contact', ['email', 'phone', 'postal_address', 'country', 'language', 'contact_channel', 'contact_time', 'marketing_consent_note']],
  ['Sizes and style', ['clothing_size', 'trouser_size', 'shoe_size', 'preferred_brands', 'interests']],
  ['Food, travel and stays', ['dietary_needs', 'travel_seat', 'travel_meal', 'hotel_preferences', 'loyalty_memberships']],
  ['Home and life', ['household_size', 'children_birth_years', 'pets', 'car', 'accessibility_needs']],
];

type Data = { catalog: Catalog; profile: ProfileAttribute[]; personas: Persona[] };

export function Profile() {
  const data = useLoad<Data>(async () => {
    const [catalog, profile, personas] = await Promise.all([
      loadCatalog(), api<{ attributes: ProfileAttribute[] }>('/api/me/attributes'), api<{ personas: Persona[] }>('/api/me/personas'),
    ]);
    return { catalog, profile: profile.attributes, personas: personas.personas };
  });
  const [persona, setPersona] = useState('');
  if (!data.data) return <Page title="Your profile">{data.loading ? <Loading what="your profile" /> : <ErrorMessage error={data.error} />}</Page>;
  const { catalog, profile, personas } = data.data;
  const known = new Set(GROUPS.flatMap(([, names]) => names));
  const groups: [string, CatalogEntry[]][] = [
    ...GROUPS.map(([title, names]): [string, CatalogEntry[]] => [title, names.map((n) => catalog.attributes.find((c) => c.name === n)).filter((c): c is CatalogEntry => Boolean(c))]),
    ['More', catalog.attributes.filter((c) => !known.has(c.name))],
  ].filter(([, list]) => list!.length) as [string, CatalogEntry[]][];
  const custom = [...new Set(profile.filter((p) => p.custom).map((p) => p.name))];
  const customEntry = (name: string): CatalogEntry => ({ name, label: name, type: 'json', example: '', description: 'Your own attribute' });
  const personaLabel = personas.find((p) => p.name === persona)?.label;

  return (
    <Page title="Your profile" lead="Fill in what you are happy to share. Nothing leaves Trove until you approve a brand’s request, and only the items you approve." wide>
      <Personas personas={personas} selected={persona} onSelect={setPersona} onChanged={data.reload} />
      {persona ? <Notice>Editing the “{personaLabel}” persona. Where it has no value of its own, brands asking for this persona get your everyday value.</Notice> : null}
      {groups.map(([title, entries]) => (
        <section class="card" key={title} aria-labelledby={`g-${title}`}>
          <h2 id={`g-${title}`}>{title}</h2>
          <ul class="attr-rows">
            {entries.map((e) => <AttributeRow key={`${e.name}|${persona}`} entry={e} persona={persona} profile={profile} onChanged={data.reload} />)}
          </ul>
        </section>
      ))}
      <section class="card" aria-labelledby="custom-h">
        <h2 id="custom-h">Your own attributes</h2>
        <p class="hint">Anything not in the list above. Names start with “x-”, for example x-favourite-colour.</p>
        <ul class="attr-rows">
          {custom.map((n) => <AttributeRow key={`${n}|${persona}`} entry={customEntry(n)} persona={persona} profile={profile} onChanged={data.reload} />)}
        </ul>
        <AddCustom persona={persona} onAdded={data.reload} />
      </section>
    </Page>
  );
}

function AttributeRow(props: { entry: CatalogEntry; persona: string; profile: ProfileAttribute[]; onChanged: () => void }) {
  const { entry: e, persona } = props;
  const [editing, setEditing] = useState(false);
  const remove = useAction();
  const own = props.profile.find((p) => p.name === e.name && (p.persona ?? '') === persona);
  const fallback = persona ? props.profile.find((p) => p.name === e.name && p.persona === null) : undefined;
  const save = async (value: unknown) => {
    await api(`/api/me/attributes/${encodeURIComponent(e.name)}`, { method: 'PUT', body: { value, persona: persona || null } });
    setEditing(false);
    props.onChanged();
  };
  return (
    <li class="attr-row" data-attribute={e.name}>
      <div class="attr-row-main">
        <span class="attr-label" id={`l-${e.name}`}>{e.label}</span>
        <span class={own ? 'attr-value' : 'muted'}>
          {own ? shown(own.value) : fallback ? `Everyday value: ${shown(fallback.value)}` : 'Not set'}
        </span>
      </div>
      {editing ? (
        <AttributeEditor entry={e} value={own?.value ?? fallback?.value} onSave={save} onCancel={() => setEditing(false)} />
      ) : (
        <div class="actions compact">
          <Button onClick={() => setEditing(true)}>{own ? 'Edit' : 'Add'}<span class="visually-hidden"> {e.label}</span></Button>
          {own ? (
            <Button variant="link" busy={remove.busy} onClick={() => void remove.run(async () => {
              await api(`/api/me/attributes/${encodeURIComponent(e.name)}`, { method: 'DELETE', query: { persona: persona || undefined } });
              props.onChanged();
            })}>Remove<span class="visually-hidden"> {e.label}</span></Button>
          ) : null}
        </div>
      )}
      <ErrorMessage error={remove.error} />
    </li>
  );
}

function AddCustom(props: { persona: string; onAdded: () => void }) {
  const [name, setName] = useState('x-');
  const [value, setValue] = useState('');
  const action = useAction();
  return (
    <form class="stack inline-form" onSubmit={(ev) => {
      ev.preventDefault();
      void action.run(async () => {
        await api(`/api/me/attributes/${encodeURIComponent(name.trim())}`, { method: 'PUT', body: { value, persona: props.persona || null } });
        setName('x-');
        setValue('');
        props.onAdded();
      });
    }}>
      <div class="field"><label for="custom-name">Name</label><input id="custom-name" value={name} required pattern="x-[a-z0-9][a-z0-9_-]*" onInput={(e) => setName(e.currentTarget.value)} /></div>
      <div class="field"><label for="custom-value">Value</label><input id="custom-value" value={value} required onInput={(e) => setValue(e.currentTarget.value)} /></div>
      <ErrorMessage error={action.error} />
      <div class="actions"><Button type="submit" busy={action.busy}>Add attribute</Button></div>
    </form>
  );
}

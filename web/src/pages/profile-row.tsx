// One profile item: its value for the chosen persona (or the everyday value it falls back
// to), and Add / Edit / Remove. Removing is undoable: the page keeps what was removed.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { shown } from '../format.ts';
import type { CatalogEntry, ProfileAttribute } from '../types.ts';
import { Button, ErrorMessage, useAction } from '../ui/bits.tsx';
import { AttributeEditor } from './attribute-editor.tsx';

export type Removed = { name: string; label: string; persona: string; value: unknown };

/** The persona's own value, and the everyday one it falls back to. */
export function valuesOf(profile: ProfileAttribute[], name: string, persona: string) {
  const own = profile.find((p) => p.name === name && (p.persona ?? '') === persona);
  const fallback = persona ? profile.find((p) => p.name === name && p.persona === null) : undefined;
  return { own, fallback };
}

export function AttributeRow(props: {
  entry: CatalogEntry;
  persona: string;
  profile: ProfileAttribute[];
  onSaved: (name: string, label: string) => void;
  onRemoved: (r: Removed) => void;
}) {
  const { entry: e, persona } = props;
  const [editing, setEditing] = useState(false);
  const remove = useAction();
  const { own, fallback } = valuesOf(props.profile, e.name, persona);
  const save = async (value: unknown) => {
    await api(`/api/me/attributes/${encodeURIComponent(e.name)}`, { method: 'PUT', body: { value, persona: persona || null } });
    setEditing(false);
    props.onSaved(e.name, e.label);
  };
  return (
    <li class="attr-row" data-attribute={e.name}>
      <div class="attr-row-main">
        <span class="attr-label" id={`l-${e.name}`}>
          {e.label}
        </span>
        {own ? <span class="attr-value">{shown(own.value)}</span> : fallback ? <span class="muted">Everyday value: {shown(fallback.value)}</span> : null}
      </div>
      {editing ? (
        <AttributeEditor entry={e} value={own?.value ?? fallback?.value} onSave={save} onCancel={() => setEditing(false)} />
      ) : (
        <div class="actions compact">
          <Button id={`edit-${e.name}`} onClick={() => setEditing(true)}>
            {own ? 'Edit' : 'Add'}
            <span class="visually-hidden"> {e.label}</span>
          </Button>
          {own ? (
            <Button
              variant="link"
              busy={remove.busy}
              onClick={() =>
                void remove.run(async () => {
                  await api(`/api/me/attributes/${encodeURIComponent(e.name)}`, { method: 'DELETE', query: { persona: persona || undefined } });
                  props.onRemoved({ name: e.name, label: e.label, persona, value: own.value });
                })
              }
            >
              Remove<span class="visually-hidden"> {e.label}</span>
            </Button>
          ) : null}
        </div>
      )}
      <ErrorMessage error={remove.error} />
    </li>
  );
}

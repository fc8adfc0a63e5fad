// Personas on the profile page: pick which persona's values to edit, create one from a
// label ("Business travel" → business-travel), or delete one with its values.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import type { Persona } from '../types.ts';
import { Button, ErrorMessage, useAction } from '../ui/bits.tsx';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';

const slug = (label: string) =>
  label
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);

export function Personas(props: { personas: Persona[]; selected: string; onSelect: (name: string) => void; onChanged: () => void }) {
  const [label, setLabel] = useState('');
  const [confirm, setConfirm] = useState(false);
  const create = useAction();
  const remove = useAction();
  const current = props.personas.find((p) => p.name === props.selected);
  return (
    <section class="card" aria-labelledby="personas-h">
      <h2 id="personas-h">Personas</h2>
      <p class="hint">
        Keep different values for different parts of your life, such as a work email for business travel. Brands may ask for one persona. Each persona can have
        its own terms, under <a href="/profile/terms">My terms</a>.
      </p>
      <div class="field">
        <label for="persona-select">Show values for</label>
        <select id="persona-select" value={props.selected} onChange={(e) => props.onSelect(e.currentTarget.value)}>
          <option value="">Everyday (default)</option>
          {props.personas.map((p) => (
            <option key={p.name} value={p.name}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void create.run(async () => {
            const made = await api<Persona>('/api/me/personas', { method: 'POST', body: { name: slug(label), label: label.trim() } });
            setLabel('');
            props.onChanged();
            props.onSelect(made.name);
          });
        }}
      >
        <div class="field">
          <label for="persona-label">New persona</label>
          <input id="persona-label" value={label} required maxLength={60} placeholder="e.g. Business travel" onInput={(e) => setLabel(e.currentTarget.value)} />
        </div>
        <Button type="submit" busy={create.busy}>
          Create persona
        </Button>
      </form>
      <ErrorMessage error={create.error} />
      {current ? (
        <Button variant="link" onClick={() => setConfirm(true)}>
          Delete the “{current.label}” persona…
        </Button>
      ) : null}
      <ConfirmDialog
        open={confirm}
        title={`Delete “${current?.label ?? ''}”?`}
        confirmLabel="Delete persona"
        danger
        busy={remove.busy}
        error={remove.error}
        onCancel={() => setConfirm(false)}
        onConfirm={() =>
          void remove.run(async () => {
            await api(`/api/me/personas/${encodeURIComponent(props.selected)}`, { method: 'DELETE' });
            setConfirm(false);
            props.onSelect('');
            props.onChanged();
          })
        }
      >
        <p>Its values are deleted too. Your everyday values stay.</p>
      </ConfirmDialog>
    </section>
  );
}

// Adding an item of the consumer's own, named in their words ("Favourite colour"); the
// portal turns the name into the stored "x-" form, which the consumer never has to type.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { customLabel, customName } from '../catalog.ts';
import type { ProfileAttribute } from '../types.ts';
import { Button, ErrorMessage, useAction } from '../ui/bits.tsx';

export function AddCustom(props: { persona: string; profile: ProfileAttribute[]; onAdded: (name: string, label: string) => void }) {
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const action = useAction();
  return (
    <form
      class="inline-form"
      onSubmit={(ev) => {
        ev.preventDefault();
        void action.run(async () => {
          const stored = customName(name);
          if (!stored) throw new Error('Give the item a name with at least one letter or digit.');
          if (props.profile.some((p) => p.name === stored && (p.persona ?? '') === props.persona)) {
            throw new Error(`You already have “${customLabel(stored)}”: edit it above.`);
          }
          await api(`/api/me/attributes/${encodeURIComponent(stored)}`, { method: 'PUT', body: { value, persona: props.persona || null } });
          setName('');
          setValue('');
          props.onAdded(stored, customLabel(stored));
        });
      }}
    >
      <div class="field">
        <label for="custom-name">Name</label>
        <input id="custom-name" value={name} required maxLength={60} placeholder="e.g. Favourite colour" onInput={(e) => setName(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for="custom-value">Value</label>
        <input id="custom-value" value={value} required maxLength={1000} onInput={(e) => setValue(e.currentTarget.value)} />
      </div>
      <div class="actions">
        <Button type="submit" busy={action.busy}>
          Add item
        </Button>
      </div>
      <ErrorMessage error={action.error} />
    </form>
  );
}

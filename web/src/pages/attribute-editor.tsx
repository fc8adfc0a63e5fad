// The form for one profile value, shaped by its catalogue type: text-like inputs, choices,
// lists, addresses and small objects (sizes, household). The server validates the result.
import { useState } from 'preact/hooks';
import type { CatalogEntry } from '../types.ts';
import { Button, ErrorMessage } from '../ui/bits.tsx';

type Draft = string | string[] | Record<string, string>;
const SYSTEMS = ['EU', 'UK', 'US', 'JP', 'INT'];
const ADDRESS = [
  ['street', 'Street and number'],
  ['postal_code', 'Postal code'],
  ['locality', 'Town or city'],
  ['region', 'Region (optional)'],
  ['country', 'Country code (e.g. NL)'],
] as const;
const INPUT_TYPES: Record<string, 'email' | 'tel' | 'date'> = { email: 'email', phone: 'tel', date: 'date' };
const FIELD_LABELS: Record<string, string> = {
  size: 'Size',
  system: 'Sizing system',
  waist: 'Waist',
  length: 'Leg length (optional)',
  adults: 'Adults',
  children: 'Children',
};

function toDraft(e: CatalogEntry, value: unknown): Draft {
  if (e.type === 'list') return Array.isArray(value) ? value.map(String) : [];
  if (e.type === 'address' || e.type === 'object') {
    const o = (value ?? {}) as Record<string, unknown>;
    const keys = e.type === 'address' ? ADDRESS.map(([k]) => k) : Object.keys(e.example as object);
    return Object.fromEntries(keys.map((k) => [k, o[k] === undefined ? '' : String(o[k])]));
  }
  if (e.type === 'json') return value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return value === undefined ? '' : String(value);
}

function fromDraft(e: CatalogEntry, d: Draft): unknown {
  if (Array.isArray(d)) return d;
  if (typeof d === 'object') {
    const example = e.type === 'object' ? (e.example as Record<string, unknown>) : {};
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(d)) {
      if (v.trim() === '') continue;
      out[k] = typeof example[k] === 'number' ? Number(v) : k === 'country' ? v.trim().toUpperCase() : v.trim();
    }
    return out;
  }
  if (e.type === 'json') {
    try {
      return JSON.parse(d) as unknown;
    } catch {
      return d; // plain text is a valid custom value
    }
  }
  return e.type === 'country' ? d.trim().toUpperCase() : d.trim();
}

export function AttributeEditor(props: { entry: CatalogEntry; value: unknown; onSave: (v: unknown) => Promise<void>; onCancel: () => void }) {
  const e = props.entry;
  const [draft, setDraft] = useState<Draft>(() => toDraft(e, props.value));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const id = `edit-${e.name}`;
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.onSave(fromDraft(e, draft));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  const setField = (k: string, v: string) => setDraft({ ...(draft as Record<string, string>), [k]: v });

  let fields: preact.JSX.Element;
  if (e.type === 'list' && e.options) {
    const set = new Set(draft as string[]);
    fields = (
      <fieldset>
        <legend>{e.label}</legend>
        <div class="checks">
          {e.options.map((o) => (
            <label key={o} class="check">
              <input
                type="checkbox"
                checked={set.has(o)}
                onChange={(ev) => setDraft(ev.currentTarget.checked ? [...set, o] : [...set].filter((x) => x !== o))}
              />{' '}
              {o}
            </label>
          ))}
        </div>
      </fieldset>
    );
  } else if (e.type === 'list') {
    fields = (
      <>
        <label for={id}>
          {e.label} <span class="hint">(one per line)</span>
        </label>
        <textarea
          id={id}
          rows={3}
          value={(draft as string[]).join('\n')}
          onInput={(ev) =>
            setDraft(
              ev.currentTarget.value
                .split('\n')
                .map((s) => s.trim())
                .filter(Boolean),
            )
          }
        />
      </>
    );
  } else if (e.type === 'address' || e.type === 'object') {
    const labels: Record<string, string> = e.type === 'address' ? Object.fromEntries(ADDRESS) : FIELD_LABELS;
    fields = (
      <fieldset>
        <legend>{e.label}</legend>
        <div class="subfields">
          {Object.entries(draft as Record<string, string>).map(([k, v]) => (
            <div class="field" key={k}>
              <label for={`${id}-${k}`}>{labels[k] ?? k}</label>
              {k === 'system' ? (
                <select id={`${id}-${k}`} value={v || 'EU'} onChange={(ev) => setField(k, ev.currentTarget.value)}>
                  {SYSTEMS.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  id={`${id}-${k}`}
                  inputMode={typeof (e.example as Record<string, unknown>)[k] === 'number' ? 'decimal' : undefined}
                  value={v}
                  onInput={(ev) => setField(k, ev.currentTarget.value)}
                />
              )}
            </div>
          ))}
        </div>
      </fieldset>
    );
  } else if (e.options) {
    fields = (
      <>
        <label for={id}>{e.label}</label>
        <select id={id} value={draft as string} onChange={(ev) => setDraft(ev.currentTarget.value)}>
          <option value="">Choose…</option>
          {e.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </>
    );
  } else if (e.type === 'json') {
    fields = (
      <>
        <label for={id}>
          {e.label} <span class="hint">(text, or JSON)</span>
        </label>
        <textarea id={id} rows={3} value={draft as string} onInput={(ev) => setDraft(ev.currentTarget.value)} />
      </>
    );
  } else {
    fields = (
      <>
        <label for={id}>{e.label}</label>
        <input
          id={id}
          type={(INPUT_TYPES[e.type] ?? 'text') as 'text' /* preact types each input type apart */}
          value={draft as string}
          placeholder={typeof e.example === 'string' ? `e.g. ${e.example}` : undefined}
          maxLength={e.type === 'country' ? 2 : undefined}
          onInput={(ev) => setDraft(ev.currentTarget.value)}
        />
      </>
    );
  }
  return (
    <form
      class="editor stack"
      onSubmit={(ev) => {
        ev.preventDefault();
        void save();
      }}
    >
      {fields}
      {e.description ? <p class="hint">{e.description}</p> : null}
      <ErrorMessage error={error} />
      <div class="actions">
        <Button type="submit" variant="primary" busy={busy}>
          Save<span class="visually-hidden"> {e.label}</span>
        </Button>
        <Button onClick={props.onCancel}>Cancel</Button>
      </div>
    </form>
  );
}

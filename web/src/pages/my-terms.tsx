// My terms (/profile/terms): the consumer proffers an agreement from the roster, the terms
// brands must agree to (after IEEE 7012, "MyTerms"): one by default and, per persona,
// another or the same. Brands say which agreements they accept; a request under other terms
// is flagged on the consent screen, not refused. Saving sends only what changed (PUT to
// proffer, DELETE to withdraw) and says what now applies.
import { useState } from 'preact/hooks';
import { api, withQuery } from '../api.ts';
import type { MyTerms, Persona, Term } from '../types.ts';
import { Button, ErrorMessage, Loading, Notice, useAction, useLoad } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';

type Data = { terms: MyTerms; personas: Persona[] };

const TITLE = 'My terms';
const LEAD =
  'Your terms are the rules a brand must agree to before it uses your data: you pick them from a list of standard agreements, and brands say which of these they accept. ' +
  'When a brand asks under other terms, the request is flagged on the consent screen, and you can still approve it, knowingly.';

export function MyTermsPage() {
  const loaded = useLoad<Data>(async () => {
    const [terms, personas] = await Promise.all([api<MyTerms>('/api/me/terms'), api<{ personas: Persona[] }>('/api/me/personas')]);
    return { terms, personas: personas.personas };
  });
  const [saved, setSaved] = useState<string | null>(null);
  if (!loaded.data) {
    return <Page title={TITLE}>{loaded.loading ? <Loading what="your terms" /> : <ErrorMessage error={loaded.error} />}</Page>;
  }
  const { data } = loaded;
  return (
    <Page title={TITLE} lead={LEAD}>
      <TermsForm
        data={data}
        saved={saved}
        onEdit={() => setSaved(null)}
        onSaved={(terms, message) => {
          setSaved(message);
          loaded.set({ ...data, terms });
        }}
      />
    </Page>
  );
}

const titleOf = (roster: Term[], id: string | null | undefined) => (id ? (roster.find((t) => t.id === id)?.title ?? id) : null);

function TermsForm(props: { data: Data; saved: string | null; onEdit: () => void; onSaved: (terms: MyTerms, message: string) => void }) {
  // The choices start as saved; after a save they are what was saved, and props.data.terms too.
  const { terms, personas } = props.data;
  const { roster } = terms;
  // '' is "no terms of my own" for the default, and "same as default" for a persona.
  const [chosen, setChosenState] = useState(terms.default ?? '');
  const [perPersona, setPerPersona] = useState<Record<string, string>>(() => Object.fromEntries(personas.map((p) => [p.name, terms.personas[p.name] ?? ''])));
  const [unchanged, setUnchanged] = useState(false);
  const save = useAction();
  const edited = () => {
    setUnchanged(false);
    props.onEdit();
  };
  const setChosen = (id: string) => {
    edited();
    setChosenState(id);
  };
  const defaultTitle = titleOf(roster, chosen);

  const submit = () =>
    save.run(async () => {
      setUnchanged(false);
      let now: MyTerms | null = null;
      if (chosen !== (terms.default ?? '')) {
        now = chosen
          ? await api<MyTerms>('/api/me/terms', { method: 'PUT', body: { term: chosen } })
          : await api<MyTerms>('/api/me/terms', { method: 'DELETE' });
      }
      for (const p of personas) {
        const want = perPersona[p.name] ?? '';
        if (want === (terms.personas[p.name] ?? '')) continue;
        now = want
          ? await api<MyTerms>('/api/me/terms', { method: 'PUT', body: { term: want, persona: p.name } })
          : await api<MyTerms>(withQuery('/api/me/terms', { persona: p.name }), { method: 'DELETE' });
      }
      if (!now) {
        setUnchanged(true);
        return;
      }
      props.onSaved(now, confirmation(now, personas));
    });

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <section class="card" aria-labelledby="default-terms-h">
        <h2 id="default-terms-h">Your default terms</h2>
        <fieldset>
          <legend>The terms every brand must agree to, unless a persona has its own</legend>
          <ul class="term-choices">
            {roster.map((t) => (
              <li key={t.id} class="term-choice" data-term={t.id}>
                <div class="term-pick">
                  <input type="radio" id={`term-${t.id}`} name="default-terms" value={t.id} checked={chosen === t.id} onChange={() => setChosen(t.id)} />
                  <label for={`term-${t.id}`}>{t.title}</label>
                </div>
                <TermDetails term={t} />
              </li>
            ))}
            <li class="term-choice" data-term="">
              <div class="term-pick">
                <input type="radio" id="term-none" name="default-terms" value="" checked={chosen === ''} onChange={() => setChosen('')} />
                <label for="term-none">No terms of my own</label>
              </div>
              <p class="hint term-more">Requests are not checked against any terms of yours.</p>
            </li>
          </ul>
        </fieldset>
      </section>

      <section class="card" aria-labelledby="persona-terms-h">
        <h2 id="persona-terms-h">Per persona</h2>
        {personas.length ? (
          <>
            <p class="hint">
              A brand that asks for one of your personas gets that persona’s terms. Choose other terms for a persona, or keep your default ones.
            </p>
            {personas.map((p) => (
              <div class="field" key={p.name}>
                <label for={`persona-terms-${p.name}`}>Terms for “{p.label}”</label>
                <select
                  id={`persona-terms-${p.name}`}
                  value={perPersona[p.name] ?? ''}
                  onChange={(e) => {
                    const value = e.currentTarget.value;
                    edited();
                    setPerPersona((s) => ({ ...s, [p.name]: value }));
                  }}
                >
                  <option value="">Same as default ({defaultTitle ?? 'no terms'})</option>
                  {roster.map((t) => (
                    <option key={t.id} value={t.id}>
                      {t.title}
                    </option>
                  ))}
                </select>
              </div>
            ))}
          </>
        ) : (
          <p class="hint">
            You have no personas. To ask for different terms in a part of your life, such as business travel, first create a persona under{' '}
            <a href="/profile">Profile</a>.
          </p>
        )}
      </section>

      <ErrorMessage error={save.error} />
      {props.saved && !save.error && !unchanged ? <Notice tone="ok">{props.saved}</Notice> : null}
      {unchanged ? <Notice>Nothing changed: these are already your terms.</Notice> : null}
      <div class="actions">
        <Button type="submit" variant="primary" busy={save.busy}>
          Save my terms
        </Button>
      </div>
    </form>
  );
}

/** A term's summary, behind a disclosure, and where the agreement comes from. */
function TermDetails(props: { term: Term }) {
  const t = props.term;
  let host = t.source;
  try {
    host = new URL(t.source).hostname;
  } catch {
    // shown as given
  }
  return (
    <div class="term-more">
      <details>
        <summary>
          What it says<span class="visually-hidden">: {t.title}</span>
        </summary>
        <p>{t.summary}</p>
      </details>
      <a href={t.source} target="_blank" rel="noopener noreferrer" class="term-source">
        Source: {host}
        <span class="visually-hidden"> for “{t.title}” (opens in a new tab)</span>
      </a>
    </div>
  );
}

/** What now applies, in a sentence or two. */
function confirmation(now: MyTerms, personas: Persona[]): string {
  const mine = titleOf(now.roster, now.default);
  const head = mine ? `Saved. Your default terms: ${mine}.` : 'Saved. You proffer no terms by default.';
  const own = personas.filter((p) => now.personas[p.name]).map((p) => `“${p.label}”: ${titleOf(now.roster, now.personas[p.name])}`);
  return own.length ? `${head} ${own.join('; ')}.` : head;
}

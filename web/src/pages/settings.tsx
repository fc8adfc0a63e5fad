// Settings (/settings): passkeys (add, remove), recovery codes (a new set, shown once),
// where I'm signed in, export of everything held about me, and deleting the account after
// a clear warning. The passkey and recovery-code changes and deletion ask for the passkey
// again when the last sign-in is over five minutes old (api() runs that step-up).
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { dateTime } from '../format.ts';
import { addPasskey } from '../passkeys.ts';
import { navigate } from '../router.ts';
import { consumerSession } from '../session.ts';
import type { Passkey } from '../types.ts';
import { Button, ErrorMessage, Loading, Notice, useAction, useLoad } from '../ui/bits.tsx';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';
import { Page } from '../ui/page.tsx';
import { SessionsCard } from './sessions-card.tsx';

export function Settings() {
  const keys = useLoad(() => api<{ passkeys: Passkey[]; recovery_codes_left: number }>('/api/me/passkeys'));
  const [name, setName] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [removing, setRemoving] = useState<Passkey | null>(null);
  const [erasing, setErasing] = useState(false);
  const [typed, setTyped] = useState('');
  const add = useAction();
  const remove = useAction();
  const recovery = useAction();
  const erase = useAction();
  return (
    <Page title="Settings">
      <p class="hint">
        Changing your passkeys or recovery codes, or deleting your account, asks for your passkey again if you signed in more than five minutes ago.
      </p>
      <section class="card" aria-labelledby="pk-h">
        <h2 id="pk-h">Passkeys</h2>
        {keys.loading && !keys.data ? <Loading what="your passkeys" /> : null}
        <ErrorMessage error={keys.error ?? remove.error} />
        <ul class="plain-list">
          {(keys.data?.passkeys ?? []).map((p, i) => (
            <li key={p.id} class="row">
              <span>
                <strong>{p.name ?? `Passkey ${i + 1}`}</strong>
                <span class="muted">
                  {' '}
                  · {p.backed_up ? 'synced' : 'this device only'} · added {dateTime(p.created_at)}
                  {p.last_used_at ? ` · last used ${dateTime(p.last_used_at)}` : ''}
                </span>
              </span>
              <Button
                variant="link"
                onClick={() => {
                  remove.setError(null);
                  setRemoving(p);
                }}
              >
                Remove<span class="visually-hidden"> {p.name ?? `passkey ${i + 1}`}</span>
              </Button>
            </li>
          ))}
        </ul>
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void add.run(async () => {
              await addPasskey(name.trim() || undefined);
              setName('');
              keys.reload();
            });
          }}
        >
          <div class="field">
            <label for="pk-name">Name for a new passkey (optional)</label>
            <input id="pk-name" maxLength={60} value={name} placeholder="e.g. Work laptop" onInput={(e) => setName(e.currentTarget.value)} />
          </div>
          <Button type="submit" busy={add.busy}>
            Add a passkey
          </Button>
        </form>
        <ErrorMessage error={add.error} />
      </section>

      <section class="card" aria-labelledby="rc-h">
        <h2 id="rc-h">Recovery codes</h2>
        <p>
          {keys.data ? `You have ${keys.data.recovery_codes_left} unused recovery ${keys.data.recovery_codes_left === 1 ? 'code' : 'codes'}.` : ''} A recovery
          code lets you in once if you lose every passkey. Making new ones cancels the old ones.
        </p>
        {codes ? (
          <>
            <Notice tone="warn">Write these down or store them in a password manager now. They are shown only once.</Notice>
            <ol class="codes">
              {codes.map((c) => (
                <li key={c}>
                  <code>{c}</code>
                </li>
              ))}
            </ol>
          </>
        ) : null}
        <ErrorMessage error={recovery.error} />
        <Button
          busy={recovery.busy}
          onClick={() =>
            void recovery.run(async () => {
              setCodes((await api<{ codes: string[] }>('/api/me/recovery-codes', { method: 'POST' })).codes);
              keys.reload();
            })
          }
        >
          Make new recovery codes
        </Button>
      </section>

      <SessionsCard />

      <section class="card" aria-labelledby="ex-h">
        <h2 id="ex-h">Export your data</h2>
        <p>
          Download everything Trove holds about you as one JSON file: your profile, personas, intents, passkeys (public parts), grants and the audit events
          about you.
        </p>
        <p>
          <a class="btn btn-secondary" href="/api/me/export" download="trove-export.json">
            Download my data
          </a>
        </p>
      </section>

      <section class="card danger-zone" aria-labelledby="del-h">
        <h2 id="del-h">Delete my account</h2>
        <p>Your data key is destroyed, so nothing of your profile can be read again, by anyone. Every grant ends and brands are told.</p>
        <Button
          variant="danger"
          onClick={() => {
            setTyped('');
            erase.setError(null);
            setErasing(true);
          }}
        >
          Delete my account…
        </Button>
      </section>

      <ConfirmDialog
        open={removing !== null}
        title="Remove this passkey?"
        confirmLabel="Remove passkey"
        danger
        busy={remove.busy}
        error={remove.error}
        onCancel={() => setRemoving(null)}
        onConfirm={() =>
          void remove.run(async () => {
            await api(`/api/me/passkeys/${encodeURIComponent(removing!.id)}`, { method: 'DELETE' });
            setRemoving(null);
            keys.reload();
            // Removing the passkey this session signed in with ends this session too.
            await consumerSession.refresh();
          })
        }
      >
        <p>
          You can no longer sign in with it, and every session it signed in is signed out (this one too, if you signed in with it). Trove will not remove your
          last passkey unless you have unused recovery codes.
        </p>
      </ConfirmDialog>

      <ConfirmDialog
        open={erasing}
        title="Delete your Trove account?"
        confirmLabel="Delete everything"
        danger
        busy={erase.busy}
        error={erase.error}
        onCancel={() => setErasing(false)}
        onConfirm={() =>
          void erase.run(async () => {
            if (typed.trim().toLowerCase() !== 'delete') throw new Error('Type “delete” to confirm.');
            await api('/api/me', { method: 'DELETE' });
            setErasing(false);
            consumerSession.signedOut();
            navigate('/', { replace: true });
          })
        }
      >
        <p>
          <strong>This cannot be undone.</strong> Your profile, personas and intents become unreadable at once, all your grants end, and you are signed out.
          Brands keep only what they already read, under their own policies.
        </p>
        <p>Consider downloading your data first.</p>
        <div class="field">
          <label for="erase-confirm">Type “delete” to confirm</label>
          <input id="erase-confirm" autocomplete="off" value={typed} onInput={(e) => setTyped(e.currentTarget.value)} />
        </div>
      </ConfirmDialog>
    </Page>
  );
}

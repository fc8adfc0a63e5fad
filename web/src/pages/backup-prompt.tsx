// Shown before any page (except a brand's consent request in progress) while the account
// has a single way in: save recovery codes, add a second passkey, or skip. The server
// keeps the skip on the account, and adding either way in ends the prompt by itself, so
// it never comes back on this or another device.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { addPasskey } from '../passkeys.ts';
import { consumerSession } from '../session.ts';
import { Button, ErrorMessage, Notice, useAction } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';

export function BackupPrompt() {
  const [codes, setCodes] = useState<string[] | null>(null);
  const action = useAction();
  // GET /api/me answers backup_prompt: false from now on, and the page asked for appears.
  const goOn = () => consumerSession.refresh();
  return (
    <Page title="Keep a way back in" lead="Your account has one passkey. If you lose the device it lives on, nothing else lets you in: add a second way now.">
      {codes ? (
        <section class="card" aria-labelledby="bp-codes-h">
          <h2 id="bp-codes-h">Your recovery codes</h2>
          <Notice tone="warn">Write these down or store them in a password manager now. They are shown only once; each one signs you in once.</Notice>
          <ol class="codes">
            {codes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ol>
          <Button variant="primary" busy={action.busy} onClick={() => void action.run(goOn)}>
            I have saved them, continue
          </Button>
        </section>
      ) : (
        <section class="card" aria-labelledby="bp-h">
          <h2 id="bp-h">Choose one</h2>
          <div class="actions">
            <Button
              variant="primary"
              busy={action.busy}
              onClick={() =>
                void action.run(async () => {
                  setCodes((await api<{ codes: string[] }>('/api/me/recovery-codes', { method: 'POST' })).codes);
                })
              }
            >
              Make recovery codes
            </Button>
            <Button
              busy={action.busy}
              onClick={() =>
                void action.run(async () => {
                  await addPasskey();
                  await goOn();
                })
              }
            >
              Add another passkey
            </Button>
            <Button
              variant="link"
              busy={action.busy}
              onClick={() =>
                void action.run(async () => {
                  await api('/api/me/backup-prompt/dismiss', { method: 'POST' });
                  await goOn();
                })
              }
            >
              Skip
            </Button>
          </div>
          <p class="hint">Skipping is remembered; you can still do either later in Settings.</p>
          <ErrorMessage error={action.error} />
        </section>
      )}
    </Page>
  );
}

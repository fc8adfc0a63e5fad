// Auditor enrolment (/auditor/enrol#<code>, the link `trove auditor add` prints): create
// the auditor's passkey once; and the auditor's usernameless passkey sign-in.
import { useEffect, useState } from 'preact/hooks';
import { enrolAuditor, passkeysSupported, signInAsAuditor } from '../passkeys.ts';
import { navigate } from '../router.ts';
import { adoptCsrfToken, consumerSession } from '../session.ts';
import { Button, ErrorMessage, Notice, useAction } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';

export function Enrol(props: { code: string }) {
  const [name, setName] = useState('');
  const action = useAction();
  const valid = /^trv_ae_[A-Za-z0-9_-]+$/.test(props.code);
  useEffect(() => adoptCsrfToken(consumerSession), []);
  return (
    <Page
      title="Set up your auditor passkey"
      lead="This one-time link lets you create the passkey you will sign in with. It works once and expires 24 hours after it was issued."
    >
      {!valid ? <Notice tone="warn">This link has no enrolment code in it. Ask the operator for a fresh link (trove auditor enrol-link).</Notice> : null}
      {!passkeysSupported() ? <Notice tone="warn">This browser cannot use passkeys.</Notice> : null}
      <form
        class="card stack"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            await enrolAuditor(props.code, name.trim() || undefined);
            history.replaceState(null, '', '/auditor/enrol'); // the code is spent: keep it out of history
            navigate('/auditor', { replace: true });
          });
        }}
      >
        <div class="field">
          <label for="pk-name">Name for this passkey (optional)</label>
          <input id="pk-name" maxLength={60} value={name} placeholder="e.g. Audit laptop" onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <ErrorMessage error={action.error} />
        <div class="actions">
          <Button type="submit" variant="primary" busy={action.busy} disabled={!valid}>
            Create my passkey
          </Button>
        </div>
      </form>
    </Page>
  );
}

export function AuditorSignIn() {
  const action = useAction();
  useEffect(() => adoptCsrfToken(consumerSession), []);
  return (
    <Page title="Auditor sign-in" lead="Review Trove’s audit log: every access to consumers’ data, hash-chained and signed.">
      <section class="card">
        <p>Sign in with the passkey you created from your enrolment link.</p>
        <div class="actions">
          <Button variant="primary" busy={action.busy} onClick={() => void action.run(signInAsAuditor)}>
            Sign in with a passkey
          </Button>
        </div>
        <ErrorMessage error={action.error} />
      </section>
    </Page>
  );
}

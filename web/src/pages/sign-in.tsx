// Sign in or sign up with a passkey (usernameless), or with a single-use recovery code.
// Used as the welcome page, the /signin page, and in front of any page that needs a session.
import { useEffect, useState } from 'preact/hooks';
import { passkeysSupported, signInWithPasskey, signInWithRecoveryCode, signUpWithPasskey } from '../passkeys.ts';
import { navigate } from '../router.ts';
import { adoptCsrfToken, auditorSession } from '../session.ts';
import { Button, ErrorMessage, Notice, useAction } from '../ui/bits.tsx';
import { Page } from '../ui/page.tsx';

export function SignIn(props: { next?: string; title?: string; lead?: string; stay?: boolean }) {
  const action = useAction();
  const [code, setCode] = useState('');
  const done = () => {
    if (!props.stay) navigate(props.next?.startsWith('/') && !props.next.startsWith('//') ? props.next : '/', { replace: true });
  };
  const supported = passkeysSupported();
  useEffect(() => adoptCsrfToken(auditorSession), []);
  return (
    <Page
      title={props.title ?? 'Sign in'}
      lead={props.lead ?? 'Trove keeps your personal data in one place and shares it only with the brands you approve, for as long as you say.'}
    >
      <section class="card" aria-labelledby="passkey-h">
        <h2 id="passkey-h">Use a passkey</h2>
        <p>No password to remember: a passkey stays on your phone or computer and unlocks with your fingerprint, face or screen lock.</p>
        {!supported ? <Notice tone="warn">This browser cannot use passkeys. Try a current browser, or sign in with a recovery code below.</Notice> : null}
        <div class="actions">
          <Button
            variant="primary"
            busy={action.busy}
            disabled={!supported}
            onClick={() =>
              action.run(async () => {
                await signInWithPasskey();
                done();
              })
            }
          >
            Sign in with a passkey
          </Button>
          <Button
            busy={action.busy}
            disabled={!supported}
            onClick={() =>
              action.run(async () => {
                await signUpWithPasskey();
                done();
              })
            }
          >
            Create a Trove account
          </Button>
        </div>
        <ErrorMessage error={action.error} />
      </section>
      <details class="card">
        <summary>Lost your passkey? Use a recovery code</summary>
        <form
          class="stack"
          onSubmit={(e) => {
            e.preventDefault();
            void action.run(async () => {
              await signInWithRecoveryCode(code);
              done();
            });
          }}
        >
          <p>Each recovery code works once. After signing in, add a new passkey in Settings.</p>
          <label for="recovery-code">Recovery code</label>
          <input
            id="recovery-code"
            name="code"
            autocomplete="one-time-code"
            spellcheck={false}
            required
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
          <div class="actions">
            <Button type="submit" busy={action.busy}>
              Sign in with this code
            </Button>
          </div>
        </form>
      </details>
    </Page>
  );
}

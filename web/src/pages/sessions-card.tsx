// Settings' "Where you're signed in": every live session (device, how and when it signed
// in, last seen), signing one out, and signing out everywhere else. Signing out this
// device's own session is the header's Sign out, so it has no button here.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { dateTime } from '../format.ts';
import type { SessionInfo } from '../types.ts';
import { Button, ErrorMessage, Loading, Notice, useAction, useLoad } from '../ui/bits.tsx';

const how = (s: SessionInfo) =>
  s.signed_in_with.type === 'recovery_code' ? 'a recovery code' : s.signed_in_with.passkey?.name ? `passkey “${s.signed_in_with.passkey.name}”` : 'a passkey';

export function SessionsCard() {
  const sessions = useLoad(() => api<{ sessions: SessionInfo[] }>('/api/me/sessions'));
  const [done, setDone] = useState<string | null>(null);
  const revoke = useAction();
  const others = (sessions.data?.sessions ?? []).filter((s) => !s.current);
  return (
    <section class="card" aria-labelledby="ss-h">
      <h2 id="ss-h">Where you’re signed in</h2>
      {sessions.loading && !sessions.data ? <Loading what="your sessions" /> : null}
      <ErrorMessage error={sessions.error ?? revoke.error} />
      <ul class="plain-list">
        {(sessions.data?.sessions ?? []).map((s) => (
          <li key={s.id} class="row" data-session={s.current ? 'current' : 'other'}>
            <span>
              <strong>{s.device ?? 'Unknown device'}</strong>
              {s.current ? <span class="badge badge-active"> This device</span> : null}
              <span class="muted">
                {' '}
                · signed in {dateTime(s.created_at)} with {how(s)} · last seen {dateTime(s.last_seen_at)}
              </span>
            </span>
            {s.current ? null : (
              <Button
                variant="link"
                busy={revoke.busy}
                onClick={() =>
                  void revoke.run(async () => {
                    await api(`/api/me/sessions/${encodeURIComponent(s.id)}`, { method: 'DELETE' });
                    setDone(`Signed out ${s.device ?? 'that device'}.`);
                    sessions.reload();
                  })
                }
              >
                Sign out
                <span class="visually-hidden">
                  {' '}
                  {s.device ?? 'unknown device'}, last seen {dateTime(s.last_seen_at)}
                </span>
              </Button>
            )}
          </li>
        ))}
      </ul>
      {done ? <Notice tone="ok">{done}</Notice> : null}
      <Button
        disabled={others.length === 0}
        busy={revoke.busy}
        onClick={() =>
          void revoke.run(async () => {
            const { ended } = await api<{ ended: number }>('/api/me/sessions/revoke-others', { method: 'POST' });
            setDone(`Signed out everywhere else (${ended} ${ended === 1 ? 'session' : 'sessions'}).`);
            sessions.reload();
          })
        }
      >
        Sign out everywhere else
      </Button>
    </section>
  );
}

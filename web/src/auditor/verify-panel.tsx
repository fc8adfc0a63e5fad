// The chain's state for the auditor: the verifier's answer over the events in scope and
// the latest signed checkpoint, re-run on request.
import { api } from '../api.ts';
import { dateTimeSeconds } from '../format.ts';
import type { Verify } from '../types.ts';
import { Button, ErrorMessage, Loading, useLoad } from '../ui/bits.tsx';

type Checkpoint = { seq: number; hash: string; ts: number; time: string; kid: string; jws: string };

export function VerifyPanel() {
  const verify = useLoad(() => api<Verify>('/v1/audit/verify'));
  const checkpoint = useLoad(() => api<{ checkpoints: Checkpoint[] }>('/v1/audit/checkpoints', { query: { limit: 1 } }).then((r) => r.checkpoints[0] ?? null));
  const v = verify.data;
  const cp = checkpoint.data;
  return (
    <section class="card" aria-labelledby="verify-h">
      <h2 id="verify-h">Chain status</h2>
      {verify.loading && !v ? <Loading what="the verification" /> : null}
      <ErrorMessage error={verify.error} />
      {v ? (
        <div role="status" class={v.ok ? 'verdict verdict-ok' : 'verdict verdict-bad'} data-verified={v.ok ? 'true' : 'false'}>
          <p class="verdict-title">{v.ok ? '✓ Chain verified' : '✗ Chain broken'}</p>
          <p>
            {v.checked} events checked{v.head ? `, up to event ${v.head.seq}` : ''}.
            {!v.ok
              ? ` The first event that does not verify is number ${v.first_bad_seq}.`
              : v.latest_checkpoint
                ? ' Every hash and link matches, and the signed checkpoints agree.'
                : ' Every hash and link matches. No checkpoint has been signed yet, so there is none to compare with.'}
          </p>
          {v.head ? (
            <p class="muted">
              Head hash <code>{v.head.hash.slice(0, 16)}…</code>
            </p>
          ) : null}
        </div>
      ) : null}
      <h3>Latest signed checkpoint</h3>
      {cp ? (
        <p data-testid="checkpoint">
          Event {cp.seq}, signed {dateTimeSeconds(cp.ts)} with key <code>{cp.kid}</code>; head hash <code>{cp.hash.slice(0, 16)}…</code>
        </p>
      ) : v?.latest_checkpoint ? (
        <p data-testid="checkpoint">
          Event {v.latest_checkpoint.seq}, signed {dateTimeSeconds(v.latest_checkpoint.ts)}.
        </p>
      ) : checkpoint.loading ? null : (
        <p class="muted">No checkpoint has been signed yet (one is signed every 1,000 events).</p>
      )}
      <ErrorMessage error={checkpoint.error} />
      <Button
        busy={verify.loading}
        onClick={() => {
          verify.reload();
          checkpoint.reload();
        }}
      >
        Verify again
      </Button>
    </section>
  );
}

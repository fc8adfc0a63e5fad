// The server's self-check, as the server reports it (/v1/audit/verify): chain, tree and
// checkpoints checked against the log key the server keeps in its own database. It catches
// accidents, not an operator who re-signs; the panel says so, and shows the key the server
// says it uses beside the one the auditor pinned (pinned-panel.tsx), which is the real check.
import { api } from '../api.ts';
import { dateTimeSeconds } from '../format.ts';
import { useAuditorPin } from '../log-pins.ts';
import type { Verify } from '../types.ts';
import { Button, ErrorMessage, Loading, useLoad } from '../ui/bits.tsx';

export function VerifyPanel() {
  const verify = useLoad(() => api<Verify>('/v1/audit/verify'));
  const pin = useAuditorPin();
  const v = verify.data;
  const cp = v?.latest_checkpoint ?? null;
  return (
    <section class="card" aria-labelledby="verify-h">
      <h2 id="verify-h">The server’s self-check</h2>
      <p class="muted">
        Trove checks its own chain, tree and checkpoints with the log key in its own database. That catches accidents and careless edits, not a rewrite by
        someone who can sign with that key: for that, check against your pinned log key below.
      </p>
      {verify.loading && !v ? <Loading what="the self-check" /> : null}
      <ErrorMessage error={verify.error} />
      {v ? (
        <div role="status" class={v.ok ? 'verdict verdict-ok' : 'verdict verdict-bad'} data-verified={v.ok ? 'true' : 'false'}>
          <p class="verdict-title">{v.ok ? '✓ Self-check passed' : '✗ Self-check failed'}</p>
          <p>
            {v.checked} events checked{v.head ? `, up to event ${v.head.seq}` : ''}.
            {!v.ok
              ? ` The first event that does not verify is number ${v.first_bad_seq}${v.problem ? `: ${v.problem}` : ''}.`
              : cp
                ? ' Every hash and link matches, and the events rebuild the tree the server’s checkpoints sign.'
                : ' Every hash and link matches. No checkpoint has been signed yet, so there is none to compare with.'}
          </p>
          {v.ok && cp && v.unsigned > 0 ? (
            <p>
              {v.unsigned} newer {v.unsigned === 1 ? 'event is' : 'events are'} not yet in a signed checkpoint.
            </p>
          ) : null}
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
          Tree size {cp.size}, signed {dateTimeSeconds(cp.time)}.
        </p>
      ) : v ? (
        <p class="muted">No checkpoint has been signed yet (Trove signs one within seconds of new events).</p>
      ) : null}
      <h3>The log key the server says it uses</h3>
      {v?.log_key ? (
        <>
          <p>
            <code class="log-key" data-testid="server-log-key">
              {v.log_key}
            </code>
          </p>
          {pin ? (
            <p data-testid="server-key-vs-pin">
              {pin.vkey === v.log_key
                ? 'This is the key you pinned.'
                : 'This is not the key you pinned. Only a check against your pinned key (below) tells whether the log can be trusted.'}
            </p>
          ) : (
            <p class="muted">Compare it with the copy you recorded out of band before you pin it below.</p>
          )}
        </>
      ) : v ? (
        <p class="muted">The server names no log key.</p>
      ) : null}
      <Button busy={verify.loading} onClick={() => verify.reload()}>
        Run the self-check again
      </Button>
    </section>
  );
}

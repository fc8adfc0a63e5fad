// One Activity entry's "Check this entry": the proof that the event is in Trove's signed
// access log, checked in this browser (entry-check.ts, loaded on the first click), and the
// answer in plain words under the entry.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { errorText } from '../api.ts';
import type { EntryOutcome } from '../entry-check.ts';
import { date } from '../format.ts';
import type { ActivityEvent } from '../types.ts';
import { Button } from '../ui/bits.tsx';

type Check = typeof import('../entry-check.ts');
let loading: Promise<Check> | null = null;
function load(): Promise<Check> {
  loading ??= import('../entry-check.ts').catch((err: unknown) => {
    loading = null; // a failed download is tried again on the next click
    throw err;
  });
  return loading;
}

type State = { kind: 'idle' } | { kind: 'busy' } | { kind: 'error'; error: unknown } | EntryOutcome;

const key = (k: { name: string; id: string }) => `${k.name} (${k.id})`;

function Result(props: { state: State; what: string; onTrust: (vkey: string) => void }) {
  const s = props.state;
  switch (s.kind) {
    case 'idle':
      return null;
    case 'busy':
      return <p class="muted">Checking this entry’s proof…</p>;
    case 'verified':
      return (
        <p class="alert alert-ok">
          Verified: {props.what} is entry {s.entry} of the access log (tree size {s.size}), in a checkpoint signed by {key(s.key)}.
          {s.firstUse ? ' This browser now remembers that key and will warn you if the log is ever signed with another.' : ''}
        </p>
      );
    case 'unsigned':
      return (
        <p class="alert alert-warn">
          Partly checked: {props.what} is entry {s.entry} of the access log (tree size {s.size}), but the checkpoint’s signature could not be checked: Trove
          does not publish its log key, and this browser has none remembered.
        </p>
      );
    case 'key-changed':
      return (
        <div class="alert alert-warn">
          <p>
            Warning: the access log is now signed by {s.signers.map(key).join(', ') || 'an unknown key'}, not by the key this browser remembered (
            {key(s.pinned.key)}
            {s.pinned.since ? `, since ${date(s.pinned.since)}` : ''}). That happens when Trove changes its log key, and also when a log is replaced.
          </p>
          {s.offered ? (
            <p>
              Trust the new key only if Trove announced a key change.{' '}
              <Button variant="secondary" onClick={() => props.onTrust(s.offered!.vkey)}>
                Trust the new key {key(s.offered.key)}
              </Button>
            </p>
          ) : (
            <p>Ask Trove whether it changed its log key; until then this entry cannot be confirmed.</p>
          )}
        </div>
      );
    case 'pending':
      return <p class="alert alert-info">{s.message}</p>;
    case 'failed':
      return <p class="alert alert-error">This entry’s proof does not check out: {s.problem}.</p>;
    case 'error':
      return <p class="alert alert-error">The proof could not be checked: {errorText(s.error)}</p>;
  }
}

/** The entry's line of details (`children`: time, grant link) with the check at its end, and the answer below it. */
export function EntryProof(props: { event: ActivityEvent; children: ComponentChildren }) {
  const e = props.event;
  const [state, setState] = useState<State>({ kind: 'idle' });
  const shown = { id: e.id, seq: e.seq, ts: e.ts, action: e.action, outcome: e.outcome };
  const what = e.action.endsWith('.read') ? 'this read' : 'this event';
  const run = (check: (m: Check) => Promise<EntryOutcome>) => {
    setState({ kind: 'busy' });
    load()
      .then(check)
      .then(setState, (error: unknown) => setState({ kind: 'error', error }));
  };
  return (
    <div class="entry-proof" data-proof={state.kind}>
      <p class="muted">
        {props.children} ·{' '}
        <Button variant="link" busy={state.kind === 'busy'} onClick={() => run((m) => m.checkEntry(shown))}>
          Check this entry<span class="visually-hidden"> in the signed access log</span>
        </Button>
      </p>
      {state.kind === 'idle' ? null : (
        <div role="status" class="entry-proof-result">
          <Result state={state} what={what} onTrust={(vkey) => run((m) => m.trustKeyAndCheck(vkey, shown))} />
        </div>
      )}
    </div>
  );
}

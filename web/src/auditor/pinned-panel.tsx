// "Check against my pinned log key": the auditor pastes the log's verifier key, recorded out of
// band; this browser keeps it with the last checkpoint the auditor accepted. Check now fetches
// the latest checkpoint, verifies its signature with the pinned key and, with a checkpoint
// remembered, the consistency proof from it (the log may only have grown), then remembers the
// new one. Nothing the server says about itself is taken on trust here.
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api.ts';
import { dateTimeSeconds } from '../format.ts';
import { setAuditorPin, useAuditorPin, type AuditorPin } from '../log-pins.ts';
import { readLogKey, verifyAdvance, type AdvanceVerdict } from '../log-proof.ts';
import { Button, ErrorMessage, useAction } from '../ui/bits.tsx';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';

type Consistency = { from: number; to: number; proof: string[]; checkpoint: string };
type Outcome = AdvanceVerdict & { at: string };

/** The latest checkpoint as the public endpoint serves it (a C2SP signed note). */
async function latestNote(): Promise<string> {
  let res: Response;
  try {
    res = await fetch('/v1/audit/checkpoint', { credentials: 'same-origin', headers: { accept: 'text/plain' } });
  } catch {
    throw new ApiError(0, 'Trove could not be reached. Check your connection and try again.');
  }
  if (res.status === 404) throw new ApiError(404, 'No checkpoint has been signed yet; try again in a few seconds.');
  if (!res.ok) throw new ApiError(res.status, `The latest checkpoint could not be fetched (${res.status}).`);
  return res.text();
}

async function checkAgainst(pin: AuditorPin): Promise<AdvanceVerdict> {
  const previous = pin.checkpoint;
  if (!previous) return verifyAdvance(pin.vkey, null, { note: await latestNote() });
  try {
    const p = await api<Consistency>('/v1/audit/proof/consistency', { query: { from: previous.size } });
    return await verifyAdvance(pin.vkey, previous, { note: p.checkpoint, from: p.from, proof: p.proof });
  } catch (err) {
    // Refused because the log is now smaller than the checkpoint remembered: a rollback, if
    // the latest checkpoint (signed by the pinned key) says so.
    if (!(err instanceof ApiError) || err.status !== 400) throw err;
    const v = await verifyAdvance(pin.vkey, previous, { note: await latestNote() });
    if (v.status === 'not-signed' || (v.status === 'rewritten' && v.size < previous.size)) return v;
    throw err;
  }
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const keyText = (k: { name: string; id: string }) => `${k.name} (${k.id})`;

function Verdict(props: { outcome: Outcome }) {
  const o = props.outcome;
  const ok = o.status === 'consistent';
  const title =
    o.status === 'consistent'
      ? o.previous
        ? '✓ Signed by your key, and consistent with what you saw before'
        : '✓ Signed by your pinned key'
      : o.status === 'rewritten'
        ? '✗ The log was rewritten'
        : o.status === 'not-signed'
          ? '✗ Not signed by your pinned key'
          : '✗ The check failed';
  return (
    <div role="status" class={ok ? 'verdict verdict-ok' : 'verdict verdict-bad'} data-pinned={o.status}>
      <p class="verdict-title">{title}</p>
      {o.status === 'consistent' ? (
        <p>
          The latest checkpoint (tree size {o.next.size}) is signed by your pinned key {keyText(o.key)}
          {o.previous
            ? `, and the log still contains the checkpoint of size ${o.previous.size} you accepted before: it has only grown since.`
            : '. It is remembered in this browser: the next check proves the log only grew from it.'}
        </p>
      ) : o.status === 'rewritten' ? (
        <>
          <p>{capital(o.problem)}.</p>
          <p>Entries you saw have been changed, removed or reordered since. The checkpoint you accepted stays remembered here as evidence.</p>
        </>
      ) : o.status === 'not-signed' ? (
        <>
          <p>{capital(o.problem)}.</p>
          <p>If the operator announced a new log key, get it out of band and pin it; otherwise treat this log as untrusted.</p>
        </>
      ) : (
        <p>{capital(o.problem)}.</p>
      )}
      <p class="muted">Checked {dateTimeSeconds(o.at)}.</p>
    </div>
  );
}

export function PinnedPanel() {
  const pin = useAuditorPin();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [forgetting, setForgetting] = useState(false);
  const check = useAction();

  const pinKey = (e: Event) => {
    e.preventDefault();
    const k = readLogKey(text);
    if (!k.ok) {
      setProblem(k.problem);
      return;
    }
    setProblem(null);
    setOutcome(null);
    setText('');
    setAuditorPin({ vkey: k.vkey, key: k.key, since: new Date().toISOString(), checkpoint: null });
  };

  const checkNow = (p: AuditorPin) =>
    void check.run(async () => {
      setOutcome(null);
      const v = await checkAgainst(p);
      const at = new Date().toISOString();
      if (v.status === 'consistent') setAuditorPin({ ...p, checkpoint: { ...v.next, accepted: at } });
      setOutcome({ ...v, at });
    });

  return (
    <section class="card" aria-labelledby="pinned-h">
      <h2 id="pinned-h">Check against my pinned log key</h2>
      <p>
        The self-check above trusts the key the server keeps. Here the checkpoint must be signed by the log key you recorded out of band, and the log must
        contain the last checkpoint you accepted: a log rewritten and re-signed by its operator fails this check.
      </p>
      {pin ? (
        <>
          <p>
            Pinned key: <strong>{keyText(pin.key)}</strong>
            {pin.since ? `, since ${dateTimeSeconds(pin.since)}` : ''}.
          </p>
          <p>
            <code class="log-key" data-testid="pinned-log-key">
              {pin.vkey}
            </code>
          </p>
          <p data-testid="remembered-checkpoint">
            {pin.checkpoint
              ? `Last checkpoint you accepted: tree size ${pin.checkpoint.size}${pin.checkpoint.accepted ? `, on ${dateTimeSeconds(pin.checkpoint.accepted)}` : ''}.`
              : 'No checkpoint accepted yet: the first check remembers one.'}
          </p>
          {outcome ? <Verdict outcome={outcome} /> : null}
          <ErrorMessage error={check.error} />
          <div class="actions">
            <Button variant="primary" busy={check.busy} onClick={() => checkNow(pin)}>
              Check now
            </Button>
            <Button onClick={() => setForgetting(true)}>Forget this key…</Button>
          </div>
          <ConfirmDialog
            open={forgetting}
            title="Forget the pinned log key?"
            confirmLabel="Forget it"
            danger
            onCancel={() => setForgetting(false)}
            onConfirm={() => {
              setForgetting(false);
              setOutcome(null);
              setAuditorPin(null);
            }}
          >
            <p>This browser forgets the key and the checkpoint you accepted last, so a rewrite of what you saw before can no longer be detected from here.</p>
          </ConfirmDialog>
        </>
      ) : (
        <form onSubmit={pinKey} noValidate>
          <div class="field pin-field">
            <label for="pin-key">Log key (verifier key)</label>
            <p class="hint" id="pin-key-hint">
              As you recorded it, e.g. from <code>trove audit log-key</code>: the log’s name, its key id and the key, joined by “+”.
            </p>
            <textarea
              id="pin-key"
              rows={2}
              spellcheck={false}
              autocomplete="off"
              value={text}
              aria-describedby={problem ? 'pin-key-hint pin-key-error' : 'pin-key-hint'}
              aria-invalid={problem ? 'true' : undefined}
              onInput={(e) => setText(e.currentTarget.value)}
            />
            {problem ? (
              <p class="alert alert-error" id="pin-key-error" role="alert">
                {problem}
              </p>
            ) : null}
          </div>
          <Button type="submit" variant="primary">
            Pin this key
          </Button>
        </form>
      )}
    </section>
  );
}

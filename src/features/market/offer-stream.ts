// Live offers: the offers brands make on one of a consumer's market intents, as they come,
// as server-sent events. Runtime-neutral (a pull-driven generator, setTimeout, no Node API),
// so the same stream serves on Node and on Workers. Each poll reads that intent's offers (of
// that consumer only): an offer not sent yet goes as an "offer" event whose id is its cursor
// (created_at:id), so the browser's EventSource resumes after the last one it got; a status
// change of one already sent (accepted or declined in another tab, not taken, expired) goes
// as a "status" event. The stream ends itself after a while (EventSource reconnects), sends
// a comment now and then so proxies keep it open, and stops at once when the client goes
// away. An offer is audited as shown once, however often a resume sends it (offer-shown.ts).
import type { Deps } from '../../deps.ts';
import { offerStatus, offerViews } from './consumer-offers.ts';
import { streamShown } from './offer-shown.ts';

export const STREAM_TIMING = { pollMs: 500, heartbeatMs: 10_000, lifetimeMs: 25_000, retryMs: 1000, recheckMs: 5000 };
export type StreamTiming = typeof STREAM_TIMING;

/** Where a stream stands: the cursor it resumed after (if any), the offers the client has
 *  (sent, or had before the resume), and the status it last heard for each. */
export type StreamState = { resume: { at: number; id: string } | null; started: boolean; sent: Set<string>; status: Map<string, string> };

const CURSOR = /^(\d{1,15}):(of_[A-Za-z0-9_-]{1,80})$/;
/** An intent has few offers (a few open per brand); a poll reads them all to see status changes. */
const MAX_OFFERS = 500;

/** A stream that starts after `after` (an event id, created_at:id), or from the intent's first offer. */
export function streamState(after: string | null | undefined): StreamState {
  const m = after ? CURSOR.exec(after.trim()) : null;
  return { resume: m ? { at: Number(m[1]), id: m[2]! } : null, started: false, sent: new Set(), status: new Map() };
}

export const cursorOf = (o: { id: string; created_at: number }) => `${o.created_at}:${o.id}`;

const upTo = (r: { id: string; created_at: number }, c: { at: number; id: string }) =>
  Number(r.created_at) < c.at || (Number(r.created_at) === c.at && r.id <= c.id);

export type OfferView = Awaited<ReturnType<typeof offerViews>>[number];
export type StreamEvent = { event: 'offer'; offer: OfferView } | { event: 'status'; id: string; status: OfferView['status'] };

/** What changed on the consumer's intent since the last poll, advancing `state`: offers not sent
 *  yet (oldest first, shaped as the list shows them) and status changes of the others
 *  (accepted, declined or not taken — perhaps in another tab — or expired). */
export async function streamChanges(deps: Deps, consumerId: string, intentId: string, state: StreamState): Promise<StreamEvent[]> {
  const db = deps.store.db;
  // Each poll reads only what tells what changed; whole rows only for offers to send.
  const rows = await db
    .selectFrom('offers')
    .select(['id', 'status', 'created_at', 'expires_at', 'shown_at'])
    .where('intent_id', '=', intentId)
    .where('consumer_id', '=', consumerId)
    .orderBy('created_at')
    .orderBy('id')
    .limit(MAX_OFFERS)
    .execute();
  if (!state.started) {
    state.started = true;
    // The client has what came up to its cursor — except an offer never shown to anyone, which
    // a slower brand's commit put behind the cursor after it was sent: that one still goes.
    const resume = state.resume;
    if (resume) for (const r of rows) if (r.shown_at !== null && upTo(r, resume)) state.sent.add(r.id);
  }
  const out: StreamEvent[] = [];
  const now = deps.clock.now();
  // What the client had before a resume gets its status once (it may have changed meanwhile), then on change.
  for (const r of rows) {
    if (!state.sent.has(r.id)) continue;
    const status = offerStatus(r, now);
    if (state.status.get(r.id) === status) continue;
    state.status.set(r.id, status);
    out.push({ event: 'status', id: r.id, status });
  }
  const fresh = rows.filter((r) => !state.sent.has(r.id));
  if (!fresh.length) return out;
  // By intent, not by a list of ids: D1 binds at most 100 parameters to a statement.
  const whole = await db.selectFrom('offers').selectAll().where('intent_id', '=', intentId).where('consumer_id', '=', consumerId).execute();
  const inOrder = fresh.flatMap((r) => whole.filter((w) => w.id === r.id));
  for (const offer of await offerViews(deps, consumerId, inOrder)) {
    state.sent.add(offer.id);
    state.status.set(offer.id, offer.status);
    out.push({ event: 'offer', offer });
  }
  // Audited once per offer, however often it is sent (reconnects, a second tab).
  const unshown = fresh.filter((r) => r.shown_at === null).map((r) => r.id);
  if (unshown.length) await streamShown(deps, consumerId, intentId, unshown);
  return out;
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/** The stream's text, chunk by chunk: the reconnect delay, then offer events as they come and a
 *  heartbeat comment now and then, until the lifetime is over, `signal` aborts, or `alive`
 *  (asked every recheckMs: is the session that opened it still signed in?) says no. Time is
 *  counted in polls (deps.clock may stand still in tests). */
export async function* offerEvents(
  deps: Deps,
  consumerId: string,
  intentId: string,
  opts: { after?: string | null; signal: AbortSignal; alive?: () => Promise<boolean>; timing?: Partial<StreamTiming> },
): AsyncGenerator<string> {
  const t = { ...STREAM_TIMING, ...opts.timing };
  const state = streamState(opts.after);
  yield `retry: ${t.retryMs}\n\n`;
  let elapsed = 0;
  let sinceBeat = 0;
  let sinceCheck = 0;
  while (!opts.signal.aborted && elapsed < t.lifetimeMs) {
    if (sinceCheck >= t.recheckMs) {
      sinceCheck = 0;
      if (opts.alive && !(await opts.alive())) return;
    }
    for (const e of await streamChanges(deps, consumerId, intentId, state)) {
      if (opts.signal.aborted) return;
      // A status event carries no id, so EventSource's Last-Event-ID stays the last offer's cursor.
      yield e.event === 'offer'
        ? `event: offer\nid: ${cursorOf(e.offer)}\ndata: ${JSON.stringify(e.offer)}\n\n`
        : `event: status\ndata: ${JSON.stringify({ id: e.id, status: e.status })}\n\n`;
    }
    if (sinceBeat >= t.heartbeatMs) {
      sinceBeat = 0;
      yield ': still here\n\n';
    }
    const wait = Math.min(t.pollMs, t.lifetimeMs - elapsed);
    await pause(wait, opts.signal);
    elapsed += wait;
    sinceBeat += wait;
    sinceCheck += wait;
  }
}

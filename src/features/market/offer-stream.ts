// Live offers: the offers brands make on one of a consumer's market intents, as they come,
// as server-sent events. Runtime-neutral (a pull-driven generator, setTimeout, no Node API),
// so the same stream serves on Node and on Workers. Each poll reads the store for offers on
// that intent of that consumer only that it has not sent yet; an event's id is its cursor
// (created_at:id), so the browser's EventSource resumes after the last one it got. The
// stream ends itself after a while (EventSource reconnects), sends a comment now and then
// so proxies keep it open, and stops at once when the client goes away. Offers sent are
// audited as shown, as the list's are.
import type { Deps } from '../../deps.ts';
import { NotFound } from '../../errors.ts';
import { commit } from '../audit/commit.ts';
import { offerViews } from './consumer-offers.ts';

export const STREAM_TIMING = { pollMs: 500, heartbeatMs: 10_000, lifetimeMs: 25_000, retryMs: 1000, recheckMs: 5000 };
export type StreamTiming = typeof STREAM_TIMING;

/** An offer committed this long after another with an earlier created_at (a slower brand's
 *  commit) is still found: each poll looks back this far and skips what it already sent. */
const LOOKBACK_MS = 2000;

/** One of the consumer's own market intents (another's, or one not on the market: not found). */
export async function ownMarketIntent(deps: Deps, consumerId: string, intentId: string) {
  const row = await deps.store.db
    .selectFrom('intents')
    .select(['id', 'market_id', 'market_terms', 'status'])
    .where('id', '=', intentId)
    .where('consumer_id', '=', consumerId)
    .executeTakeFirst();
  if (!row?.market_id) throw new NotFound('No such market intent.');
  return row;
}

/** The consumer's market intents (pseudonym, terms) with how many offers each has, open and in all. */
export async function myMarketIntents(deps: Deps, consumerId: string) {
  const db = deps.store.db;
  const rows = await db
    .selectFrom('intents')
    .select(['id', 'market_id', 'market_terms'])
    .where('consumer_id', '=', consumerId)
    .where('market_id', 'is not', null)
    .orderBy('created_at', 'desc')
    .execute();
  if (!rows.length) return { intents: [] };
  const offers = await db
    .selectFrom('offers')
    .select(['intent_id', 'status', 'expires_at'])
    .where('consumer_id', '=', consumerId)
    .where(
      'intent_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const now = deps.clock.now();
  return {
    intents: rows.map((r) => {
      const mine = offers.filter((o) => o.intent_id === r.id);
      return {
        id: r.id,
        market: { id: r.market_id!, terms: r.market_terms },
        offers: { open: mine.filter((o) => o.status === 'open' && Number(o.expires_at) > now).length, total: mine.length },
      };
    }),
  };
}

/** Where a stream stands: the created_at it need not look before, and what it sent since (id → created_at). */
export type StreamState = { floor: number | null; sent: Map<string, number> };

const CURSOR = /^(\d{1,15}):(of_[A-Za-z0-9_-]{1,80})$/;

/** A stream that starts after `after` (an event id, created_at:id), or from the intent's first offer. */
export function streamState(after: string | null | undefined): StreamState {
  const m = after ? CURSOR.exec(after.trim()) : null;
  if (!m) return { floor: null, sent: new Map() };
  const at = Number(m[1]);
  return { floor: at, sent: new Map([[m[2]!, at]]) };
}

export const cursorOf = (o: { id: string; created_at: number }) => `${o.created_at}:${o.id}`;

/** The offers on the consumer's intent not sent yet (oldest first, shaped as the list shows them); advances `state`. */
export async function newOffers(deps: Deps, consumerId: string, intentId: string, state: StreamState) {
  let q = deps.store.db.selectFrom('offers').selectAll().where('intent_id', '=', intentId).where('consumer_id', '=', consumerId);
  if (state.floor !== null) q = q.where('created_at', '>=', state.floor);
  const rows = (await q.orderBy('created_at').orderBy('id').limit(200).execute()).filter((r) => !state.sent.has(r.id));
  if (!rows.length) return [];
  for (const r of rows) state.sent.set(r.id, Number(r.created_at));
  const newest = Math.max(...state.sent.values());
  state.floor = Math.max(state.floor ?? 0, newest - LOOKBACK_MS);
  for (const [id, at] of state.sent) if (at < state.floor) state.sent.delete(id);
  const offers = await offerViews(deps, consumerId, rows);
  await commit(deps, {
    audit: [
      {
        action: 'offer.shown',
        outcome: 'success',
        actor_type: 'consumer',
        actor_id: consumerId,
        consumer_id: consumerId,
        detail: { intent: intentId, offers: rows.length, live: true },
      },
    ],
  });
  return offers;
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
    for (const o of await newOffers(deps, consumerId, intentId, state)) {
      if (opts.signal.aborted) return;
      yield `event: offer\nid: ${cursorOf(o)}\ndata: ${JSON.stringify(o)}\n\n`;
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

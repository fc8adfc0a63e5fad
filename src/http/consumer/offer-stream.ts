// Live offers for the portal: which of my intents are on the market, and a server-sent
// event stream of the offers brands make on one of them and of their status changes
// (EventSource; it resumes after the last offer it got with Last-Event-ID, or after `after`).
import type { Context } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { resolveSession } from '../../features/identity/sessions.ts';
import { myMarketIntents, ownMarketIntent } from '../../features/market/my-market.ts';
import { offerEvents } from '../../features/market/offer-stream.ts';
import type { AppEnv } from '../context.ts';
import { route, type Route } from '../route.ts';

const streamQuery = z.object({
  intent: z.string().min(1).max(64),
  /** An event id (created_at:offer id): only offers after it. */
  after: z.string().max(200).optional(),
});

/** The generator's chunks as bytes; reading nothing makes it do nothing, cancelling stops it. */
function eventStream(deps: Deps, chunks: (signal: AbortSignal) => AsyncGenerator<string>, requestSignal: AbortSignal): ReadableStream<Uint8Array> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  requestSignal.addEventListener('abort', onAbort);
  const gen = chunks(stop.signal);
  const encoder = new TextEncoder();
  const end = () => {
    requestSignal.removeEventListener('abort', onAbort);
    stop.abort();
  };
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: IteratorResult<string>;
      try {
        next = await gen.next();
      } catch (err) {
        end();
        if (cancelled) return;
        deps.log.warn('offer stream ended by an error', { error: err instanceof Error ? err.name : 'unknown' });
        controller.close();
        return;
      }
      // A client gone while the poll ran: the stream is cancelled, there is nowhere to write.
      if (cancelled) return;
      if (next.done) {
        end();
        controller.close();
      } else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      cancelled = true;
      end();
      await gen.return(undefined);
    },
  });
}

export const offerStreamRoutes: Route[] = [
  route({
    method: 'get',
    path: '/api/me/market',
    tag: 'Consumer API',
    auth: 'consumer',
    summary: 'My intents on the market: each one’s pseudonym, terms, and how many offers it has',
    handler: async ({ deps, c, auth }) => {
      c.header('cache-control', 'no-store');
      return c.json(await myMarketIntents(deps, auth.consumerId));
    },
  }),
  route({
    method: 'get',
    path: '/api/me/offers/stream',
    tag: 'Consumer API',
    auth: 'consumer',
    query: streamQuery,
    okType: 'text/event-stream',
    summary:
      'Offers on one of my market intents as they are made, and their status changes (server-sent events "offer" and "status"; ends after 25 s, EventSource reconnects)',
    handler: async ({ deps, c, auth, query }) => {
      const intent = await ownMarketIntent(deps, auth.consumerId, query.intent);
      const after = lastEventId(c) ?? query.after;
      // Signed out elsewhere (or the session ended): the stream ends within a few seconds, and the reconnect is refused.
      const alive = async () => (await resolveSession(deps, auth.session.rawId))?.subjectId === auth.consumerId;
      const body = eventStream(deps, (signal) => offerEvents(deps, auth.consumerId, intent.id, { after, signal, alive }), c.req.raw.signal);
      return new Response(body, {
        headers: {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          // Proxies that buffer answers (nginx) pass this one on as it comes.
          'x-accel-buffering': 'no',
        },
      });
    },
  }),
];

function lastEventId(c: Context<AppEnv>): string | undefined {
  const v = c.req.header('last-event-id');
  return v && v.length <= 200 ? v : undefined;
}

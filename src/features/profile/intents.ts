// Intents ("red rain jacket, size M, under 120 EUR"): what a consumer is looking for,
// sealed like attributes, open until withdrawn or past their date. The owner also sees
// which brands read each intent (from the audit log).
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { open, seal } from '../../crypto/aead.ts';
import { fromUtf8, utf8 } from '../../crypto/encoding.ts';
import { newId } from '../../crypto/random.ts';
import { InvalidField, NotFound } from '../../errors.ts';
import { commit } from '../audit/commit.ts';
import { dataKeyFor } from './data-key.ts';
import { announce, marketFields } from '../market/publish.ts';
import { assertPersona } from './personas.ts';
import { indexedUpto, ofConsumer } from '../audit/indexed-events.ts';

export const MAX_OPEN_INTENTS = 50;
const YEAR_MS = 366 * 24 * 3600_000;

export const intentInput = z.strictObject({
  text: z.string().trim().min(1).max(500),
  category: z.string().trim().min(1).max(60).optional(),
  size: z.string().trim().min(1).max(20).optional(),
  colour: z.string().trim().min(1).max(30).optional(),
  budget: z
    .strictObject({
      amount: z.number().positive().max(1e9),
      currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as EUR'),
    })
    .optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  persona: z.string().max(40).optional(),
  /** Publish to the market: brands accepting the consumer's terms see it under a pseudonym and may answer with offers. */
  market: z.boolean().default(false),
});
export type IntentInput = z.input<typeof intentInput>;

type Sealable = Omit<IntentInput, 'until' | 'persona'>;
const aad = (consumerId: string, id: string) => `trove:intent:v1|${consumerId}|${id}`;

export async function createIntent(deps: Deps, consumerId: string, input: IntentInput) {
  const now = deps.clock.now();
  const expiresAt = input.until ? Date.parse(input.until) : null;
  if (expiresAt !== null && (expiresAt <= now || expiresAt > now + YEAR_MS)) throw new InvalidField('until', 'must be in the future and within a year');
  const persona = input.persona ?? '';
  await assertPersona(deps, consumerId, persona);
  const open = await deps.store.db.selectFrom('intents').select('id').where('consumer_id', '=', consumerId).where('status', '=', 'open').execute();
  if (open.length >= MAX_OPEN_INTENTS) throw new InvalidField('text', `at most ${MAX_OPEN_INTENTS} open intents`);
  const id = newId();
  const { until: _u, persona: _p, market: _m, ...content } = input;
  const market = input.market ? await marketFields(deps, consumerId, persona, input.category) : null;
  const key = await dataKeyFor(deps, consumerId);
  const sealed = seal(deps.sodium, key, utf8.encode(JSON.stringify(content)), aad(consumerId, id));
  key.fill(0);
  await commit(deps, {
    writes: [
      deps.store.db.insertInto('intents').values({
        id,
        consumer_id: consumerId,
        persona,
        ...sealed,
        status: 'open',
        expires_at: expiresAt,
        created_at: now,
        withdrawn_at: null,
        market_id: market?.market_id ?? null,
        market_terms: market?.market_terms ?? null,
        category: market?.category ?? null,
      }),
      ...(market ? await announce(deps, market, expiresAt) : []),
    ],
    audit: [
      {
        action: 'intent.published',
        outcome: 'success',
        actor_type: 'consumer',
        actor_id: consumerId,
        consumer_id: consumerId,
        detail: { intent: id, market: market?.market_id ?? null, terms: market?.market_terms ?? null },
      },
    ],
  });
  if (market) deps.notify.webhooksQueued();
  return {
    id,
    ...content,
    persona: persona || null,
    until: expiresAt,
    status: 'open',
    created_at: now,
    market: market ? { id: market.market_id, terms: market.market_terms } : null,
  };
}

export async function listIntents(deps: Deps, consumerId: string) {
  const rows = await deps.store.db.selectFrom('intents').selectAll().where('consumer_id', '=', consumerId).orderBy('created_at', 'desc').execute();
  if (!rows.length) return [];
  const upto = await indexedUpto(deps.store.db);
  const reads = await deps.store.db
    .selectFrom('audit_events')
    .select(['brand_id', 'ts', 'detail'])
    .where((eb) => ofConsumer(eb, consumerId, upto))
    .where('action', '=', 'intent.read')
    .where('outcome', '=', 'success')
    .orderBy('seq')
    .execute();
  const key = await dataKeyFor(deps, consumerId);
  const now = deps.clock.now();
  try {
    return rows.map((r) => {
      const content = JSON.parse(fromUtf8.decode(open(deps.sodium, key, r, aad(consumerId, r.id)))) as Sealable;
      const status = r.status === 'open' && r.expires_at !== null && r.expires_at <= now ? 'expired' : r.status;
      return {
        id: r.id,
        ...content,
        persona: r.persona || null,
        until: r.expires_at,
        status,
        created_at: r.created_at,
        withdrawn_at: r.withdrawn_at,
        read_by: reads
          .filter((e) => e.detail && (JSON.parse(e.detail) as { intent?: string }).intent === r.id)
          .map((e) => ({ brand_id: e.brand_id, at: e.ts })),
      };
    });
  } finally {
    key.fill(0);
  }
}

export async function withdrawIntent(deps: Deps, consumerId: string, id: string) {
  const db = deps.store.db;
  const row = await db.selectFrom('intents').select('status').where('id', '=', id).where('consumer_id', '=', consumerId).executeTakeFirst();
  if (!row) throw new NotFound('No such intent.');
  if (row.status === 'withdrawn') return;
  await commit(deps, {
    writes: [db.updateTable('intents').set({ status: 'withdrawn', withdrawn_at: deps.clock.now() }).where('id', '=', id).where('consumer_id', '=', consumerId)],
    audit: [{ action: 'intent.withdrawn', outcome: 'success', actor_type: 'consumer', actor_id: consumerId, consumer_id: consumerId, detail: { intent: id } }],
  });
}

/** One of the consumer's intents; another's is not found. */
export async function consumerIntent(deps: Deps, consumerId: string, id: string) {
  const intent = (await listIntents(deps, consumerId)).find((i) => i.id === id);
  if (!intent) throw new NotFound('No such intent.');
  return intent;
}

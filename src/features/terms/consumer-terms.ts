// The terms a consumer proffers: one agreement by default and, optionally, another per
// persona (the business traveller's terms need not be the family traveller's). Setting or
// withdrawing them is audited; which agreement applies to a request is the persona's, else
// the default.
import type { Deps } from '../../deps.ts';
import { InvalidField } from '../../errors.ts';
import { commit } from '../audit/commit.ts';
import { termById } from './roster.ts';
import { assertPersona } from '../profile/personas.ts';

const DEFAULT = '';

export async function myTerms(deps: Deps, consumerId: string) {
  const rows = await deps.store.db.selectFrom('consumer_terms').select(['persona', 'term', 'updated_at']).where('consumer_id', '=', consumerId).execute();
  const byPersona = Object.fromEntries(rows.filter((r) => r.persona !== DEFAULT).map((r) => [r.persona, r.term]));
  return { roster: deps.roster, default: rows.find((r) => r.persona === DEFAULT)?.term ?? null, personas: byPersona };
}

/** The agreement this consumer proffers for a persona (its own, else the default), or null. */
export async function proffered(deps: Deps, consumerId: string, persona: string | null): Promise<string | null> {
  const rows = await deps.store.db
    .selectFrom('consumer_terms')
    .select(['persona', 'term'])
    .where('consumer_id', '=', consumerId)
    .where('persona', 'in', persona ? [persona, DEFAULT] : [DEFAULT])
    .execute();
  return (rows.find((r) => r.persona === persona) ?? rows.find((r) => r.persona === DEFAULT))?.term ?? null;
}

export async function proffer(deps: Deps, consumerId: string, input: { term: string; persona?: string | null }) {
  if (!termById(deps.roster, input.term)) throw new InvalidField('term', 'not an agreement in the roster (GET /v1/terms)');
  const persona = input.persona ?? DEFAULT;
  const db = deps.store.db;
  await assertPersona(deps, consumerId, persona);
  const now = deps.clock.now();
  await commit(deps, {
    writes: [
      // An upsert: two saves at once both land (the later wins), neither fails on the key.
      db
        .insertInto('consumer_terms')
        .values({ consumer_id: consumerId, persona, term: input.term, updated_at: now })
        .onConflict((oc) => oc.columns(['consumer_id', 'persona']).doUpdateSet({ term: input.term, updated_at: now })),
    ],
    audit: [
      {
        action: 'terms.proffered',
        outcome: 'success',
        actor_type: 'consumer',
        actor_id: consumerId,
        consumer_id: consumerId,
        detail: { term: input.term, persona: persona || null },
      },
    ],
  });
  return myTerms(deps, consumerId);
}

export async function withdrawTerms(deps: Deps, consumerId: string, persona: string | null) {
  const db = deps.store.db;
  const key = persona ?? DEFAULT;
  const row = await db.selectFrom('consumer_terms').select('term').where('consumer_id', '=', consumerId).where('persona', '=', key).executeTakeFirst();
  if (!row) return myTerms(deps, consumerId); // nothing to withdraw: already the state asked for
  await commit(deps, {
    writes: [db.deleteFrom('consumer_terms').where('consumer_id', '=', consumerId).where('persona', '=', key)],
    audit: [
      {
        action: 'terms.withdrawn',
        outcome: 'success',
        actor_type: 'consumer',
        actor_id: consumerId,
        consumer_id: consumerId,
        detail: { term: row.term, persona },
      },
    ],
  });
  return myTerms(deps, consumerId);
}

// Personas group a consumer's attributes ("everyday", "business travel", "family"); an
// attribute may hold a different value per persona. Deleting a persona deletes its values.
// The label the consumer gives a persona is sealed like a value; its name is an id.
import type { Deps } from '../../deps.ts';
import { Conflict, InvalidField, NotFound } from '../../errors.ts';
import { commit } from '../audit/commit.ts';
import { dataKeyFor } from './data-key.ts';
import { openText, personaLabelAad, sealText } from './sealed-text.ts';

export const PERSONA_NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const MAX_PERSONAS = 20;

export async function listPersonas(deps: Deps, consumerId: string) {
  const rows = await deps.store.db
    .selectFrom('personas')
    .select(['name', 'label_sealed', 'label_nonce', 'created_at'])
    .where('consumer_id', '=', consumerId)
    .orderBy('created_at')
    .orderBy('name')
    .execute();
  if (!rows.length) return [];
  const key = await dataKeyFor(deps, consumerId);
  try {
    return rows.map((r) => ({
      name: r.name,
      label: openText(deps, key, personaLabelAad(consumerId, r.name), r.label_sealed, r.label_nonce),
      created_at: r.created_at,
    }));
  } finally {
    key.fill(0);
  }
}

export async function assertPersona(deps: Deps, consumerId: string, persona: string) {
  if (persona === '') return;
  const row = await deps.store.db.selectFrom('personas').select('name').where('consumer_id', '=', consumerId).where('name', '=', persona).executeTakeFirst();
  if (!row) throw new InvalidField('persona', `no persona named "${persona.slice(0, 40)}"; create it first`);
}

export async function createPersona(deps: Deps, consumerId: string, input: { name: string; label: string }) {
  if (!PERSONA_NAME.test(input.name)) throw new InvalidField('name', 'use 1-40 lowercase letters, digits or -');
  const existing = await deps.store.db.selectFrom('personas').select('name').where('consumer_id', '=', consumerId).execute();
  if (existing.some((p) => p.name === input.name)) throw new Conflict(`Persona "${input.name}" exists already.`);
  if (existing.length >= MAX_PERSONAS) throw new InvalidField('name', `at most ${MAX_PERSONAS} personas`);
  const key = await dataKeyFor(deps, consumerId);
  const sealed = sealText(deps, key, personaLabelAad(consumerId, input.name), input.label);
  key.fill(0);
  const row = { consumer_id: consumerId, name: input.name, label: input.label, created_at: deps.clock.now() };
  await commit(deps, {
    writes: [
      deps.store.db.insertInto('personas').values({
        consumer_id: consumerId,
        name: input.name,
        label_sealed: sealed.ciphertext,
        label_nonce: sealed.nonce,
        created_at: row.created_at,
      }),
    ],
    audit: [
      {
        action: 'profile.persona_created',
        outcome: 'success',
        actor_type: 'consumer',
        actor_id: consumerId,
        consumer_id: consumerId,
        detail: { persona: input.name },
      },
    ],
  });
  return { name: row.name, label: row.label, created_at: row.created_at };
}

export async function deletePersona(deps: Deps, consumerId: string, name: string) {
  const db = deps.store.db;
  const row = await db.selectFrom('personas').select('name').where('consumer_id', '=', consumerId).where('name', '=', name).executeTakeFirst();
  if (!row) throw new NotFound('No such persona.');
  await commit(deps, {
    writes: [
      db.deleteFrom('attributes').where('consumer_id', '=', consumerId).where('persona', '=', name),
      db.deleteFrom('personas').where('consumer_id', '=', consumerId).where('name', '=', name),
    ],
    audit: [
      {
        action: 'profile.persona_deleted',
        outcome: 'success',
        actor_type: 'consumer',
        actor_id: consumerId,
        consumer_id: consumerId,
        detail: { persona: name },
      },
    ],
  });
}

// The consumer's profile: validated attribute writes (sealed as JSON), the decrypted
// view for the owner, and deletion. Audit events carry names and personas, never values.
import type { Deps } from '../../deps.ts';
import { InvalidField, NotFound } from '../../errors.ts';
import { commit } from '../audit/commit.ts';
import { attributeChangeNotices } from '../grants/attribute-notices.ts';
import { readAttributes, writeAttributes } from './attribute-values.ts';
import { CATALOG_BY_NAME } from './catalog.ts';
import { assertPersona } from './personas.ts';
import { validateAttribute } from './validate-attribute.ts';

export const MAX_ATTRIBUTE_ROWS = 300;

export type ProfileAttribute = { name: string; label: string; persona: string | null; value: unknown; updated_at: number; custom: boolean };

export async function setAttribute(deps: Deps, consumerId: string, name: string, input: { value: unknown; persona?: string | null }) {
  const persona = input.persona ?? '';
  const value = validateAttribute(name, input.value);
  await assertPersona(deps, consumerId, persona);
  const rows = await deps.store.db.selectFrom('attributes').select(['name', 'persona']).where('consumer_id', '=', consumerId).execute();
  if (!rows.some((r) => r.name === name && r.persona === persona) && rows.length >= MAX_ATTRIBUTE_ROWS) {
    throw new InvalidField('name', `at most ${MAX_ATTRIBUTE_ROWS} attribute values per profile`);
  }
  const notices = await attributeChangeNotices(deps, consumerId, [name]);
  await writeAttributes(deps, consumerId, [{ name, persona, value: JSON.stringify(value) }], notices);
  if (notices.length) deps.notify.webhooksQueued();
  return { name, persona: persona || null, value };
}

export async function listProfile(deps: Deps, consumerId: string): Promise<ProfileAttribute[]> {
  const values = await readAttributes(deps, consumerId);
  return values.map((v) => ({
    name: v.name,
    label: CATALOG_BY_NAME.get(v.name)?.label ?? v.name,
    persona: v.persona || null,
    value: JSON.parse(v.value) as unknown,
    updated_at: v.updated_at,
    custom: !CATALOG_BY_NAME.has(v.name),
  }));
}

/** Deletes one persona's value (or the default value when persona is empty). */
export async function deleteAttribute(deps: Deps, consumerId: string, name: string, persona = '') {
  const db = deps.store.db;
  const found = await db
    .selectFrom('attributes')
    .select('name')
    .where('consumer_id', '=', consumerId)
    .where('name', '=', name)
    .where('persona', '=', persona)
    .executeTakeFirst();
  if (!found) throw new NotFound('No such attribute in your profile.');
  const notices = await attributeChangeNotices(deps, consumerId, [name]);
  await commit(deps, {
    writes: [...notices, db.deleteFrom('attributes').where('consumer_id', '=', consumerId).where('name', '=', name).where('persona', '=', persona)],
    audit: [
      {
        action: 'profile.attribute_deleted',
        outcome: 'success',
        actor_type: 'consumer',
        actor_id: consumerId,
        consumer_id: consumerId,
        attributes: [name],
        ...(persona ? { detail: { persona } } : {}),
      },
    ],
  });
  if (notices.length) deps.notify.webhooksQueued();
}

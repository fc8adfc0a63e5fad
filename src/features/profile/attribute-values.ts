// Writing and reading sealed attribute values. Each write bumps the row's version, which
// is part of the AAD, and commits with an audit event naming the attribute, never its value
// (plus any statements the caller adds, such as notices to brands).
import type { Compilable } from 'kysely';
import type { Deps } from '../../deps.ts';
import { sealAttribute } from '../../crypto/envelope.ts';
import { commit } from '../audit/commit.ts';
import type { AttributeRow } from '../../db/schema.ts';
import { dataKeyFor, openUnderConsumerKey, wrappedKeyOf, type WrappedKey } from './data-key.ts';

export type AttributeWrite = { name: string; persona?: string; value: string };

export async function writeAttributes(deps: Deps, consumerId: string, writes: AttributeWrite[], also: Compilable[] = []): Promise<void> {
  const db = deps.store.db;
  const key = await dataKeyFor(deps, consumerId);
  const now = deps.clock.now();
  const current = await db.selectFrom('attributes').select(['name', 'persona', 'version']).where('consumer_id', '=', consumerId).execute();
  const versionOf = new Map(current.map((r) => [`${r.name}\u0000${r.persona}`, r.version]));
  const statements = writes.map((w) => {
    const persona = w.persona ?? '';
    const version = (versionOf.get(`${w.name}\u0000${persona}`) ?? 0) + 1;
    const sealed = sealAttribute(deps.sodium, key, { consumerId, name: w.name, persona, version }, w.value);
    const row = { consumer_id: consumerId, name: w.name, persona, ...sealed, version, updated_at: now };
    return db
      .insertInto('attributes')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['consumer_id', 'name', 'persona']).doUpdateSet({ ciphertext: sealed.ciphertext, nonce: sealed.nonce, version, updated_at: now }),
      );
  });
  key.fill(0);
  await commit(deps, {
    writes: [...statements, ...also],
    audit: [
      {
        action: 'profile.attributes_changed',
        outcome: 'success',
        actor_type: 'consumer',
        actor_id: consumerId,
        consumer_id: consumerId,
        attributes: writes.map((w) => w.name),
      },
    ],
  });
}

export type AttributeValue = { name: string; persona: string; value: string; version: number; updated_at: number };

/** Opens every attribute of a consumer (optionally only some names). Unaudited: callers audit the read. */
export async function readAttributes(deps: Deps, consumerId: string, names?: string[]): Promise<AttributeValue[]> {
  let q = deps.store.db.selectFrom('attributes').selectAll().where('consumer_id', '=', consumerId);
  if (names) q = q.where('name', 'in', names.length ? names : ['']);
  const rows = await q.orderBy('name').orderBy('persona').execute();
  if (!rows.length) return [];
  const values = openUnderConsumerKey(
    deps,
    consumerId,
    await wrappedKeyOf(deps, consumerId),
    rows.map((r) => ({ slot: { consumerId, name: r.name, persona: r.persona, version: r.version }, sealed: r })),
  );
  return rows.map((r, i) => ({ name: r.name, persona: r.persona, version: r.version, updated_at: r.updated_at, value: values[i]! }));
}

export type SealedValue = Pick<AttributeRow, 'name' | 'persona' | 'ciphertext' | 'nonce' | 'version'>;

/**
 * Of a consumer's sealed values (read by the caller), opens those a grant names: for its
 * persona where one is set, the default value otherwise. Names without a value are left
 * out. Unaudited: the caller audits the read (the brand read's hot path).
 */
export function openGrantedAttributes(
  deps: Deps,
  consumerId: string,
  wrapped: WrappedKey | undefined,
  sealed: readonly SealedValue[],
  names: readonly string[],
  persona: string,
): Map<string, string> {
  const wanted = new Set(names);
  const chosen = new Map<string, SealedValue>();
  for (const r of sealed) {
    if (!wanted.has(r.name) || (r.persona !== persona && r.persona !== '')) continue;
    // A persona's own value wins over the default one.
    if (r.persona === persona || !chosen.has(r.name)) chosen.set(r.name, r);
  }
  // In the grant's order of names.
  const opened = names.flatMap((n) => chosen.get(n) ?? []);
  if (!opened.length) return new Map();
  const values = openUnderConsumerKey(
    deps,
    consumerId,
    wrapped,
    opened.map((r) => ({ slot: { consumerId, name: r.name, persona: r.persona, version: r.version }, sealed: r })),
  );
  return new Map(opened.map((r, i) => [r.name, values[i]!]));
}

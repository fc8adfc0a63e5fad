// Seals persona labels and value-ledger text written in plain text before they were
// sealed (migration 0007), once, at start-up; value rows of consumers erased back then
// are removed, as erasure now does. Quick when there is nothing left to do (one lookup).
import { commit } from '../audit/commit.ts';
import type { Deps } from '../../deps.ts';
import { unwrapConsumerKey } from './data-key.ts';
import { personaLabelAad, sealText, valueTextAad } from './sealed-text.ts';

const BATCH = 200;

export async function sealLegacyText(deps: Deps): Promise<number> {
  let sealed = 0;
  for (;;) {
    const n = (await sealPersonaBatch(deps)) + (await sealValueBatch(deps));
    if (!n) return sealed;
    sealed += n;
  }
}

async function keyOf(deps: Deps, consumerId: string, cache: Map<string, Uint8Array | null>) {
  if (!cache.has(consumerId)) {
    const row = await deps.store.db
      .selectFrom('consumers')
      .select(['data_key_wrapped', 'data_key_nonce', 'kek_version'])
      .where('id', '=', consumerId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    cache.set(consumerId, row ? unwrapConsumerKey(deps, consumerId, row) : null);
  }
  return cache.get(consumerId)!;
}

async function sealPersonaBatch(deps: Deps): Promise<number> {
  const db = deps.store.db;
  const rows = await db.selectFrom('personas').select(['consumer_id', 'name', 'label_sealed']).where('label_nonce', 'is', null).limit(BATCH).execute();
  const keys = new Map<string, Uint8Array | null>();
  const writes = [];
  for (const r of rows) {
    const key = await keyOf(deps, r.consumer_id, keys);
    const where = db.updateTable('personas').where('consumer_id', '=', r.consumer_id).where('name', '=', r.name).where('label_nonce', 'is', null);
    if (!key) {
      writes.push(db.deleteFrom('personas').where('consumer_id', '=', r.consumer_id).where('name', '=', r.name));
      continue;
    }
    const s = sealText(deps, key, personaLabelAad(r.consumer_id, r.name), r.label_sealed);
    writes.push(where.set({ label_sealed: s.ciphertext, label_nonce: s.nonce }));
  }
  for (const k of keys.values()) k?.fill(0);
  if (writes.length) await commit(deps, { writes });
  return rows.length;
}

async function sealValueBatch(deps: Deps): Promise<number> {
  const db = deps.store.db;
  const rows = await db
    .selectFrom('value_events')
    .select(['id', 'consumer_id', 'text_sealed', 'reference'])
    .where('text_nonce', 'is', null)
    .limit(BATCH)
    .execute();
  const keys = new Map<string, Uint8Array | null>();
  const writes = [];
  for (const r of rows) {
    const key = await keyOf(deps, r.consumer_id, keys);
    if (!key) {
      writes.push(db.deleteFrom('value_events').where('id', '=', r.id));
      continue;
    }
    const s = sealText(deps, key, valueTextAad(r.consumer_id, r.id), JSON.stringify({ description: r.text_sealed, reference: r.reference }));
    writes.push(
      db
        .updateTable('value_events')
        .set({ text_sealed: s.ciphertext, text_nonce: s.nonce, reference: null })
        .where('id', '=', r.id)
        .where('text_nonce', 'is', null),
    );
  }
  for (const k of keys.values()) k?.fill(0);
  if (writes.length) await commit(deps, { writes });
  return rows.length;
}

// The audit log's signing key: an Ed25519 C2SP note key, kept apart from the token-signing
// keys, wrapped under the KEK like every private key. Its verifier key (vkey) is what
// auditors pin, so it is created once and never replaced silently: a new one comes only from
// `trove keys rotate --log`, which announces it in the log and hands over with a checkpoint
// both keys sign (rotate-log.ts).
import type { Kysely } from 'kysely';
import type { BaseDeps } from '../../deps.ts';
import type { Database, KeyRow } from '../../db/schema.ts';
import { fromUtf8, utf8 } from '../../crypto/encoding.ts';
import { unwrapKeyMaterial, wrapKeyMaterial } from '../../crypto/envelope.ts';
import type { Sodium } from '../../crypto/sodium.ts';
import { generateNoteKey, noteSigner } from '../audit/tlog/note-keys.ts';
import type { NoteSigner } from '../audit/tlog/signed-note.ts';

export type LogSigner = { id: string; version: number; vkey: string; signer: NoteSigner };

/** The checkpoint origin line and key name: this vault's host, then /audit (C2SP: a schema-less URL). */
export function logOrigin(origin: string): string {
  return `${new URL(origin).host}/audit`;
}

export const logKeyId = (version: number): string => `log-${version}`;

export function vkeyOf(row: Pick<KeyRow, 'public_jwk'>): string {
  return (JSON.parse(row.public_jwk!) as { vkey: string }).vkey;
}

/** A new log key's row (its signer key sealed under the KEK) and its vkey. */
export async function logKeyRow(
  ctx: { db: Kysely<Database>; sodium: Sodium; now: number },
  name: string,
  kek: Uint8Array,
  kekVersion: number,
  version: number,
) {
  const id = logKeyId(version);
  const { skey, vkey } = await generateNoteKey(name);
  const wrapped = wrapKeyMaterial(ctx.sodium, kek, kekVersion, id, utf8.encode(skey));
  return {
    id,
    vkey,
    insert: ctx.db.insertInto('keys').values({
      id,
      kind: 'log',
      version,
      status: 'active',
      public_jwk: JSON.stringify({ vkey }),
      wrapped: wrapped.ciphertext,
      nonce: wrapped.nonce,
      kek_version: kekVersion,
      check_value: null,
      created_at: ctx.now,
      retired_at: null,
    }),
  };
}

/** Opens a log key row with its KEK. */
export async function openLogKey(sodium: Sodium, kek: Uint8Array, row: KeyRow): Promise<LogSigner> {
  const material = unwrapKeyMaterial(sodium, kek, row.kek_version!, row.id, { ciphertext: row.wrapped!, nonce: row.nonce! });
  const signer = await noteSigner(fromUtf8.decode(material));
  material.fill(0);
  return { id: row.id, version: row.version, vkey: vkeyOf(row), signer };
}

/**
 * Creates the first log key when the vault has none (a new vault, or one from before
 * issue 23), audited. Several nodes may start at once: the unique (kind, version) lets one
 * win and the others use its key. Returns the vkey created, or null.
 */
export async function ensureLogKey(
  deps: Pick<BaseDeps, 'store' | 'sodium' | 'clock' | 'config' | 'log'>,
  kek: Uint8Array,
  kekVersion: number,
): Promise<string | null> {
  const db = deps.store.db;
  const anyLog = () => db.selectFrom('keys').select('id').where('kind', '=', 'log').limit(1).executeTakeFirst();
  if (await anyLog()) return null;
  const created = await logKeyRow({ db, sodium: deps.sodium, now: deps.clock.now() }, logOrigin(deps.config.origin), kek, kekVersion, 1);
  try {
    await deps.store.commit({
      writes: [created.insert],
      audit: [{ action: 'keys.log_key_created', outcome: 'success', actor_type: 'operator', detail: { log_key: created.vkey } }],
    });
  } catch (err) {
    if (await anyLog()) return null;
    throw err;
  }
  deps.log.info('created the audit log key; auditors pin its verifier key (trove audit log-key)', { log_key: created.vkey });
  return created.vkey;
}

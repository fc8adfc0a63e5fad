// Operator tokens, the credential of the operator API (/admin/…) and the remote CLI:
// created on a node with `trove operator token create` (printed once, only its SHA-256
// hash kept, like auditor tokens and brand secrets), listed and revoked; on Workers the
// TROVE_OPERATOR_TOKEN secret (its hash, in config) is one more. Lookup is by hash of a
// 256-bit secret, and the configured one is compared in constant time.
import { constantTimeEqual, hashSecret } from '../../crypto/hash.ts';
import { newId, newSecret } from '../../crypto/random.ts';
import type { Deps } from '../../deps.ts';
import { BadRequest, NotFound } from '../../errors.ts';
import { commit } from '../audit/commit.ts';

/** Who a configured TROVE_OPERATOR_TOKEN is, in audit events (it has no row). */
export const CONFIGURED_OPERATOR = 'env:TROVE_OPERATOR_TOKEN';

export type Operator = { id: string; name: string };
export type NewOperatorToken = Operator & { token: string; created_at: string };

export async function createOperatorToken(deps: Deps, input: { name?: string } = {}): Promise<NewOperatorToken> {
  const name = (input.name ?? 'operator').trim();
  if (!name || name.length > 100) throw new BadRequest('name: must be 1–100 characters');
  const id = `op_${newId()}`;
  const token = newSecret('trv_op');
  const now = deps.clock.now();
  await commit(deps, {
    writes: [
      deps.store.db.insertInto('operator_tokens').values({ id, name, token_hash: hashSecret(token), status: 'active', created_at: now, revoked_at: null }),
    ],
    audit: [{ action: 'operator.token_created', outcome: 'success', actor_type: 'operator', actor_id: null, detail: { token_id: id, name } }],
  });
  return { id, name, token, created_at: new Date(now).toISOString() };
}

export async function listOperatorTokens(deps: Deps) {
  const rows = await deps.store.db
    .selectFrom('operator_tokens')
    .select(['id', 'name', 'status', 'created_at', 'revoked_at'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const iso = (t: number | null) => (t === null ? null : new Date(Number(t)).toISOString());
  return rows.map((r) => ({ ...r, created_at: iso(r.created_at), revoked_at: iso(r.revoked_at) }));
}

/** Refuses the token from the next call on; revoking a revoked token changes nothing. */
export async function revokeOperatorToken(deps: Deps, id: string): Promise<void> {
  const row = await deps.store.db.selectFrom('operator_tokens').select('status').where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(`No operator token with id ${id}.`);
  if (row.status === 'revoked') return;
  await commit(deps, {
    writes: [deps.store.db.updateTable('operator_tokens').set({ status: 'revoked', revoked_at: deps.clock.now() }).where('id', '=', id)],
    audit: [{ action: 'operator.token_revoked', outcome: 'success', actor_type: 'operator', actor_id: null, detail: { token_id: id } }],
  });
}

/** The operator behind a presented token, or null: the configured secret first, then an active stored token. */
export async function operatorByToken(deps: Deps, token: string): Promise<Operator | null> {
  if (token.length > 256) return null;
  const hash = hashSecret(token);
  const configured = deps.config.operatorTokenHash;
  if (configured && constantTimeEqual(hash, configured)) return { id: CONFIGURED_OPERATOR, name: 'TROVE_OPERATOR_TOKEN' };
  if (!/^trv_op_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await deps.store.db
    .selectFrom('operator_tokens')
    .select(['id', 'name'])
    .where('token_hash', '=', hash)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return row ?? null;
}

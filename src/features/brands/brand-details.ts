// One brand's registration as the operator sees it (`trove brand show`, GET
// /admin/brands/{id}): everything registered except the secret's hash, which is never
// shown (it would only help guessing), with its public keys when it registered a JWKS.
import type { Deps } from '../../deps.ts';
import { NotFound } from '../../errors.ts';

export async function brandDetails(deps: Deps, id: string) {
  const row = await deps.store.db
    .selectFrom('brands')
    .select([
      'id',
      'name',
      'status',
      'auth_method',
      'redirect_uris',
      'homepage',
      'logo_uri',
      'policy_uri',
      'contact',
      'webhook_url',
      'jwks',
      'jwks_uri',
      'accepted_terms',
      'created_at',
      'disabled_at',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFound(`No brand with client id ${id}.`);
  return {
    ...row,
    client_id: row.id,
    created_at: Number(row.created_at),
    disabled_at: row.disabled_at === null ? null : Number(row.disabled_at),
    redirect_uris: JSON.parse(row.redirect_uris) as string[],
    jwks: row.jwks ? (JSON.parse(row.jwks) as unknown) : null,
    accepted_terms: row.accepted_terms ? (JSON.parse(row.accepted_terms) as string[]) : [],
  };
}

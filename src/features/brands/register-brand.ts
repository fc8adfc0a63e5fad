// Operator actions on brands: register (printing a secret once, storing its hash),
// list and disable. A disabled brand can neither authenticate nor read.
import type { Deps } from '../../deps.ts';
import { hashSecret } from '../../crypto/hash.ts';
import { newId, newSecret } from '../../crypto/random.ts';
import { BadRequest, NotFound } from '../../errors.ts';
import { commit } from '../audit/commit.ts';
import { brandInput, brandUrlProblem, redirectUriProblem } from './brand-input.ts';
import { termById } from '../terms/roster.ts';

export async function registerBrand(deps: Deps, raw: unknown): Promise<{ client_id: string; client_secret?: string }> {
  const parsed = brandInput.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new BadRequest(`${i.path.join('.') || 'brand'}: ${i.message}`);
  }
  const input = parsed.data;
  for (const uri of input.redirect_uris) {
    const problem = redirectUriProblem(uri, deps.config.production);
    if (problem) throw new BadRequest(`redirect_uri ${uri} ${problem}`);
  }
  const urlProblem = brandUrlProblem(input, deps.config);
  if (urlProblem) throw new BadRequest(urlProblem);
  const unknown = (input.accepted_terms ?? []).filter((t) => !termById(deps.roster, t));
  if (unknown.length) throw new BadRequest(`accepted_terms: not in the roster: ${unknown.join(', ')} (see GET /v1/terms)`);
  const id = `brand_${newId()}`;
  const secret = input.auth.method === 'client_secret_basic' ? newSecret('trv_cs') : undefined;
  const now = deps.clock.now();
  await commit(deps, {
    writes: [
      deps.store.db.insertInto('brands').values({
        id,
        name: input.name,
        homepage: input.homepage ?? null,
        logo_uri: input.logo_uri ?? null,
        policy_uri: input.policy_uri ?? null,
        contact: input.contact ?? null,
        redirect_uris: JSON.stringify(input.redirect_uris),
        auth_method: input.auth.method,
        jwks: input.auth.method === 'private_key_jwt' && input.auth.jwks ? JSON.stringify(input.auth.jwks) : null,
        jwks_uri: input.auth.method === 'private_key_jwt' ? (input.auth.jwks_uri ?? null) : null,
        secret_hash: secret ? hashSecret(secret) : null,
        webhook_url: input.webhook_url ?? null,
        status: 'active',
        created_at: now,
        disabled_at: null,
        accepted_terms: input.accepted_terms?.length ? JSON.stringify(input.accepted_terms) : null,
      }),
    ],
    audit: [
      {
        action: 'brand.registered',
        outcome: 'success',
        actor_type: 'operator',
        brand_id: id,
        detail: { name: input.name, auth_method: input.auth.method, accepted_terms: (input.accepted_terms ?? []).join(',') },
      },
    ],
  });
  return secret ? { client_id: id, client_secret: secret } : { client_id: id };
}

export async function listBrands(deps: Deps) {
  const rows = await deps.store.db
    .selectFrom('brands')
    .select(['id', 'name', 'auth_method', 'status', 'redirect_uris', 'webhook_url', 'created_at'])
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({ ...r, client_id: r.id, redirect_uris: JSON.parse(r.redirect_uris) as string[] }));
}

export async function disableBrand(deps: Deps, id: string): Promise<void> {
  const row = await deps.store.db.selectFrom('brands').select('status').where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(`No brand with client id ${id}.`);
  if (row.status === 'disabled') return;
  await commit(deps, {
    writes: [deps.store.db.updateTable('brands').set({ status: 'disabled', disabled_at: deps.clock.now() }).where('id', '=', id)],
    audit: [{ action: 'brand.disabled', outcome: 'success', actor_type: 'operator', brand_id: id }],
  });
}

// Auditor accounts, managed by the operator: create (token and enrolment code shown
// once, kept only as hashes), list, disable (ends sessions and refuses the token at
// once), and re-issue a portal enrolment link. Scope is all brands or a named few.
import type { Deps } from '../../deps.ts';
import { hashSecret } from '../../crypto/hash.ts';
import { newId, newSecret } from '../../crypto/random.ts';
import { BadRequest, NotFound } from '../../errors.ts';
import { commit } from '../audit/commit.ts';
import { endAllSessionsWrite } from '../identity/sessions.ts';

export const ENROL_TTL_MS = 24 * 3600_000;

export type Auditor = { id: string; name: string; brands: string[] | null; operator?: true };

/** The host's operator reviewing through the CLI: unscoped, audited as the operator. */
export const OPERATOR_REVIEWER: Auditor = { id: 'operator', name: 'operator', brands: null, operator: true };

export type NewAuditor = Auditor & { token: string; enrol_url: string; enrol_expires_at: string };

export function enrolUrl(deps: Deps, code: string): string {
  return `${deps.config.origin}/auditor/enrol#${code}`;
}

export async function addAuditor(deps: Deps, input: { name: string; brands?: string[] }): Promise<NewAuditor> {
  const name = input.name.trim();
  if (!name || name.length > 100) throw new BadRequest('name: must be 1–100 characters');
  const brands = input.brands?.length ? [...new Set(input.brands)].sort() : null;
  if (brands) {
    const known = await deps.store.db.selectFrom('brands').select('id').where('id', 'in', brands).execute();
    const missing = brands.filter((b) => !known.some((k) => k.id === b));
    if (missing.length) throw new BadRequest(`brand: no brand with client id ${missing.join(', ')}`);
  }
  const id = newId();
  const token = newSecret('trv_au');
  const code = newSecret('trv_ae');
  const now = deps.clock.now();
  await commit(deps, {
    writes: [
      deps.store.db.insertInto('auditors').values({
        id,
        name,
        brands: brands ? JSON.stringify(brands) : null,
        token_hash: hashSecret(token),
        enrol_hash: hashSecret(code),
        enrol_expires_at: now + ENROL_TTL_MS,
        status: 'active',
        created_at: now,
        disabled_at: null,
      }),
    ],
    audit: [
      {
        action: 'auditor.created',
        outcome: 'success',
        actor_type: 'operator',
        actor_id: null,
        detail: { auditor: id, scope: brands ? brands.join(' ') : 'all' },
      },
    ],
  });
  return { id, name, brands, token, enrol_url: enrolUrl(deps, code), enrol_expires_at: new Date(now + ENROL_TTL_MS).toISOString() };
}

export async function listAuditors(deps: Deps) {
  const rows = await deps.store.db
    .selectFrom('auditors')
    .select(['id', 'name', 'brands', 'status', 'created_at', 'disabled_at'])
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const passkeys = await deps.store.db.selectFrom('auditor_passkeys').select('auditor_id').execute();
  return rows.map((r) => ({
    ...r,
    brands: r.brands ? (JSON.parse(r.brands) as string[]) : null,
    passkeys: passkeys.filter((p) => p.auditor_id === r.id).length,
  }));
}

export async function disableAuditor(deps: Deps, id: string): Promise<void> {
  const row = await deps.store.db.selectFrom('auditors').select(['id', 'status']).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound(`No auditor with id ${id}.`);
  if (row.status === 'disabled') return;
  await commit(deps, {
    writes: [
      deps.store.db
        .updateTable('auditors')
        .set({ status: 'disabled', disabled_at: deps.clock.now(), enrol_hash: null, enrol_expires_at: null })
        .where('id', '=', id),
      endAllSessionsWrite(deps, 'auditor', id),
    ],
    audit: [{ action: 'auditor.disabled', outcome: 'success', actor_type: 'operator', detail: { auditor: id } }],
  });
}

/** A fresh one-time enrolment link (the previous one stops working). */
export async function newEnrolLink(deps: Deps, id: string): Promise<{ enrol_url: string; enrol_expires_at: string }> {
  const row = await deps.store.db.selectFrom('auditors').select(['id', 'status']).where('id', '=', id).executeTakeFirst();
  if (row?.status !== 'active') throw new NotFound(`No active auditor with id ${id}.`);
  const code = newSecret('trv_ae');
  const expires = deps.clock.now() + ENROL_TTL_MS;
  await commit(deps, {
    writes: [
      deps.store.db
        .updateTable('auditors')
        .set({ enrol_hash: hashSecret(code), enrol_expires_at: expires })
        .where('id', '=', id),
    ],
    audit: [{ action: 'auditor.enrol_link_issued', outcome: 'success', actor_type: 'operator', detail: { auditor: id } }],
  });
  return { enrol_url: enrolUrl(deps, code), enrol_expires_at: new Date(expires).toISOString() };
}

/** The active auditor behind an API token, or null. The lookup is by hash of a 256-bit secret. */
export async function auditorByToken(deps: Deps, token: string): Promise<Auditor | null> {
  if (!/^trv_au_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await deps.store.db
    .selectFrom('auditors')
    .select(['id', 'name', 'brands'])
    .where('token_hash', '=', hashSecret(token))
    .where('status', '=', 'active')
    .executeTakeFirst();
  return row ? toAuditor(row) : null;
}

export async function auditorById(deps: Deps, id: string): Promise<Auditor | null> {
  const row = await deps.store.db
    .selectFrom('auditors')
    .select(['id', 'name', 'brands'])
    .where('id', '=', id)
    .where('status', '=', 'active')
    .executeTakeFirst();
  return row ? toAuditor(row) : null;
}

function toAuditor(row: { id: string; name: string; brands: string | null }): Auditor {
  return { id: row.id, name: row.name, brands: row.brands ? (JSON.parse(row.brands) as string[]) : null };
}

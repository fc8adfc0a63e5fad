// A brand's view of its grants: listing for sync (status, updated_since, a stable
// cursor), one grant, and giving a grant up. Never the consumer's internal id.
import { iso, isoOrNull } from '../iso-time.ts';
import { Buffer } from 'node:buffer';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import type { GrantRow } from '../../db/schema.ts';
import { InvalidField, NotFound } from '../../errors.ts';
import { commitOr } from '../audit/commit.ts';
import { endGrantChange } from './end-grant.ts';

export const grantListQuery = z.object({
  status: z.enum(['active', 'revoked', 'expired', 'exhausted']).optional(),
  updated_since: z.iso.datetime({ offset: true }).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function brandGrantView(g: GrantRow) {
  return {
    id: g.id,
    sub: g.subject,
    status: g.status,
    attributes: JSON.parse(g.attributes) as string[],
    persona: g.persona,
    purpose: g.purpose,
    purpose_description: g.purpose_description,
    value_offer: g.value_offer ? JSON.parse(g.value_offer) : null,
    access: g.access,
    retention: g.retention,
    created_at: iso(g.created_at),
    updated_at: iso(g.updated_at),
    expires_at: iso(g.expires_at),
    revoked_at: isoOrNull(g.revoked_at),
    revoked_by: g.revoked_by,
    read_count: g.read_count,
    last_read_at: isoOrNull(g.last_read_at),
  };
}

function decodeCursor(cursor: string): [number, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch {
    // fall through
  }
  throw new InvalidField('cursor', 'is not a cursor this API gave out');
}

export async function listBrandGrants(deps: Deps, brandId: string, q: z.infer<typeof grantListQuery>) {
  let query = deps.store.db.selectFrom('grants').selectAll().where('brand_id', '=', brandId);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.updated_since) query = query.where('updated_at', '>=', Date.parse(q.updated_since));
  if (q.cursor) {
    const [t, id] = decodeCursor(q.cursor);
    query = query.where((eb) => eb.or([eb('updated_at', '>', t), eb.and([eb('updated_at', '=', t), eb('id', '>', id)])]));
  }
  const rows = await query
    .orderBy('updated_at')
    .orderBy('id')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    grants: page.map(brandGrantView),
    next_cursor: rows.length > q.limit && last ? Buffer.from(JSON.stringify([last.updated_at, last.id])).toString('base64url') : null,
  };
}

export async function brandGrant(deps: Deps, brandId: string, id: string): Promise<GrantRow> {
  const g = await deps.store.db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
  if (!g || g.brand_id !== brandId) throw new NotFound('No such grant.');
  return g;
}

/** DELETE /v1/grants/{id}: the brand gives the grant up; its tokens end with it. */
export async function relinquishGrant(deps: Deps, brandId: string, id: string): Promise<void> {
  const g = await brandGrant(deps, brandId, id);
  if (g.status !== 'active') return;
  const { receiptId: _r, ...change } = await endGrantChange(deps, g, { status: 'revoked', actor: 'brand', actorId: brandId, reason: 'relinquished' });
  // Ended meanwhile (revoked by its consumer, expired): given up either way.
  await commitOr(deps, change, () => undefined);
}

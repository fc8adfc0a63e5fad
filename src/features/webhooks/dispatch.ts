// Push delivery of queued Security Event Tokens (RFC 8935): claim a due delivery with a
// lease, POST it, then record the outcome. The claim is one conditional write (the row
// still pending and due as it was read: the check and the take in one statement, atomic
// on SQLite, D1 and PostgreSQL), so of nodes racing for a delivery exactly one sends it;
// it stamps a fresh claim token, and the outcome (with its webhook.delivered event) is
// recorded only while the row still carries that token, so a node whose lease lapsed and
// was re-claimed records nothing. Delivery is at least once across a crash between POST
// and record (brands de-duplicate by the SET's jti), never twice in normal running.
// Failures retry with exponential backoff and jitter, up to MAX_ATTEMPTS. Every POST goes
// through deps.outbound (the SSRF guard: URL policy, vetted and pinned addresses, no
// redirects); the brand's delivery log records a fixed phrase, the operator's log the detail.
import type { Deps } from '../../deps.ts';
import type { WebhookDeliveryRow } from '../../db/schema.ts';
import { newId } from '../../crypto/random.ts';
import { OutboundFailed } from '../../errors.ts';
import { commitOr } from '../audit/commit.ts';
import { failureText, outboundOf } from '../outbound/outbound.ts';

export const MAX_ATTEMPTS = 8;
export const BASE_DELAY_MS = 1000;
export const MAX_DELAY_MS = 3600_000;
const LEASE_MS = 30_000;
const TIMEOUT_MS = 10_000;

/** Exponential backoff with ±50 % jitter: about 1 s, 2 s, 4 s … capped at an hour. */
export function backoff(attempts: number, random = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.5 + random()));
}

/** The claim token when this node took the delivery, or null when another node has it. */
async function claim(deps: Deps, d: WebhookDeliveryRow): Promise<string | null> {
  const token = newId();
  const take = deps.store.db
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: deps.clock.now() + LEASE_MS, claim: token })
    .where('id', '=', d.id)
    .where('status', '=', 'pending')
    .where('next_attempt_at', '=', d.next_attempt_at);
  const taken = await commitOr(deps, { guards: [{ name: 'delivery_unclaimed', changes: take }] }, () => 'taken' as const);
  return taken === 'taken' ? null : token;
}

async function attempt(deps: Deps, d: WebhookDeliveryRow): Promise<{ ok: boolean; status: number | null; error: string | null }> {
  try {
    const res = await outboundOf(deps).request({
      method: 'POST',
      url: d.url,
      body: d.set_jws,
      timeoutMs: TIMEOUT_MS,
      maxBytes: 0,
      headers: { 'content-type': 'application/secevent+jwt', accept: 'application/json' },
    });
    // A 3xx is a failure like any other: the guard never follows it elsewhere.
    return { ok: res.status >= 200 && res.status < 300, status: res.status, error: res.status >= 300 ? `HTTP ${res.status}` : null };
  } catch (err) {
    deps.log.warn('webhook delivery failed', {
      delivery: d.id,
      brand: d.brand_id,
      error: failureText(err),
      detail: err instanceof OutboundFailed ? err.detail : String(err),
    });
    return { ok: false, status: null, error: failureText(err) };
  }
}

/** Delivers every due delivery once; returns how many were attempted. */
export async function deliverDue(deps: Deps, limit = 50): Promise<number> {
  const db = deps.store.db;
  const due = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', deps.clock.now())
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  let attempted = 0;
  for (const d of due) {
    const token = await claim(deps, d);
    if (!token) continue;
    attempted += 1;
    const result = await attempt(deps, d);
    if (!result.ok) deps.metrics.count('webhook_delivery_failures');
    const attempts = d.attempts + 1;
    const now = deps.clock.now();
    const final = result.ok || attempts >= MAX_ATTEMPTS;
    const record = db
      .updateTable('webhook_deliveries')
      .set({
        attempts,
        last_status: result.status,
        last_error: result.error,
        status: result.ok ? 'delivered' : final ? 'failed' : 'pending',
        next_attempt_at: final ? now : now + backoff(attempts),
        delivered_at: result.ok ? now : null,
      })
      .where('id', '=', d.id)
      .where('status', '=', 'pending')
      .where('claim', '=', token);
    const lost = await commitOr(
      deps,
      {
        guards: [{ name: 'delivery_claim_held', changes: record }],
        audit: final
          ? [
              {
                action: 'webhook.delivered',
                outcome: result.ok ? 'success' : 'failure',
                actor_type: 'system',
                brand_id: d.brand_id,
                grant_id: d.grant_id,
                reason: result.error,
                detail: { delivery: d.id, event: d.event_type, attempts },
              },
            ]
          : [],
      },
      () => 'lost' as const,
    );
    // This attempt outlived its lease and another node re-claimed the delivery: that node records it.
    if (lost === 'lost') deps.log.warn('webhook delivery lease lapsed before its outcome was recorded', { delivery: d.id, brand: d.brand_id });
  }
  return attempted;
}

/** The brand's own delivery log, newest first. */
export async function listDeliveries(deps: Deps, brandId: string, limit = 50) {
  const rows = await deps.store.db
    .selectFrom('webhook_deliveries')
    .select(['id', 'grant_id', 'event_type', 'url', 'status', 'attempts', 'last_status', 'last_error', 'created_at', 'delivered_at', 'next_attempt_at'])
    .where('brand_id', '=', brandId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, next_attempt_at: r.status === 'pending' ? r.next_attempt_at : null }));
}

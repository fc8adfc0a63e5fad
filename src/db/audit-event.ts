// What callers hand to a commit to be audited. Names and ids only: an attribute value,
// a secret or a token never belongs in an audit event.

import type { AuditAction } from './audit-actions.ts';

export type { AuditAction } from './audit-actions.ts';

export type ActorType = 'operator' | 'consumer' | 'brand' | 'auditor' | 'system';

/** What the store appends; features commit the narrower AuditEvent (a named action). */
export type AuditDraft = {
  action: string;
  outcome: 'success' | 'denied' | 'failure';
  actor_type: ActorType;
  actor_id?: string | null;
  consumer_id?: string | null;
  brand_id?: string | null;
  grant_id?: string | null;
  attributes?: string[];
  purpose?: string | null;
  reason?: string | null;
  detail?: Record<string, string | number | boolean | null>;
};

/** An audit draft whose action is one of the closed list (what features commit). */
export type AuditEvent = AuditDraft & { action: AuditAction };

// The audit events the data-moving commands record as the operator (backup, restore, the
// override of a rollback, migrate-data): names and counts only, never a path's contents.
import type { AuditEvent } from '../db/audit-event.ts';

type Detail = Record<string, string | number | boolean | null>;

export const backupEvent = (outcome: 'success' | 'failure', detail: Detail): AuditEvent => ({
  action: 'operator.backup_created',
  outcome,
  actor_type: 'operator',
  detail,
});

export const restoredEvent = (detail: Detail): AuditEvent => ({ action: 'operator.restored', outcome: 'success', actor_type: 'operator', detail });

/** The explicit override: the log now lacks events a published or witnessed checkpoint covers. */
export const rollbackEvent = (detail: Detail): AuditEvent => ({
  action: 'operator.rollback_allowed',
  outcome: 'success',
  actor_type: 'operator',
  reason: 'restored a backup behind a published or witnessed checkpoint (--allow-rollback)',
  detail,
});

export const migratedEvent = (detail: Detail): AuditEvent => ({ action: 'operator.data_migrated', outcome: 'success', actor_type: 'operator', detail });

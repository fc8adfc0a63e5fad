// Every action the audit log records, as one closed list: a new kind of event must be
// named here first. The scheme: `<subject>.<what happened, past tense>`; whether it
// succeeded is the event's outcome (success, denied, failure), never part of its name.
// Events written before the scheme was settled keep their names in the log (a hash chain
// cannot be renamed); LEGACY_ACTIONS says what each of them is called now.

export const AUDIT_ACTIONS = [
  'audit.checkpoints_listed',
  'audit.exported',
  'audit.proof_served',
  'audit.queried',
  'audit.verified',
  'auditor.created',
  'auditor.disabled',
  'auditor.enrol_link_issued',
  'auditor.passkey_added',
  'backup_prompt.dismissed',
  'brand.disabled',
  'brand.registered',
  'consumer.created',
  'consumer.erased',
  'consumer.exported',
  'grant.approved',
  'grant.denied',
  'grant.exhausted',
  'grant.expired',
  'grant.read',
  'grant.requested',
  'grant.revoked',
  'intent.published',
  'intent.read',
  'intent.withdrawn',
  'keys.created',
  'keys.log_key_created',
  'keys.log_key_rotated',
  'keys.master_rotated',
  'keys.master_rotation_started',
  'keys.signing_rotated',
  'operator.authenticated',
  'operator.backup_created',
  'operator.data_migrated',
  'operator.migrations_applied',
  'operator.queried',
  'operator.restored',
  'operator.rollback_allowed',
  'operator.started',
  'operator.token_created',
  'operator.token_revoked',
  'offer.accepted',
  'offer.declined',
  'offer.made',
  'offer.shown',
  'passkey.added',
  'passkey.removed',
  'passkey.renamed',
  'profile.attribute_deleted',
  'profile.attributes_changed',
  'profile.persona_created',
  'profile.persona_deleted',
  'receipt.countersigned',
  'recovery_codes.generated',
  'session.revoked',
  'session.revoked_others',
  'session.signed_in',
  'session.signed_out',
  'session.stepped_up',
  'terms.proffered',
  'terms.withdrawn',
  'token.code_replayed',
  'token.issued',
  'token.refresh_reused',
  'token.refreshed',
  'token.revoked',
  'value.recorded',
  'webhook.delivered',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Names used before the scheme, as stored in older logs, and what they are called now. */
export const LEGACY_ACTIONS: Readonly<Record<string, AuditAction>> = {
  'session.sign_in': 'session.signed_in',
  'session.step_up': 'session.stepped_up',
  'webhook.failed': 'webhook.delivered',
};

/** The current name of a stored action (legacy names mapped, others as they are). */
export const currentAction = (stored: string): string => LEGACY_ACTIONS[stored] ?? stored;

// Kysely table types, one interface per table; mirrors migrations/ (epoch-ms integers,
// base64url text for binary). Runtimes must hand back plain numbers and strings.

export type KeyRow = {
  id: string;
  kind: 'kek' | 'signing' | 'pairwise' | 'log';
  version: number;
  status: 'active' | 'retired';
  public_jwk: string | null;
  wrapped: string | null;
  nonce: string | null;
  kek_version: number | null;
  check_value: string | null;
  created_at: number;
  retired_at: number | null;
};

export type ConsumerRow = {
  id: string;
  status: 'active' | 'erased';
  data_key_wrapped: string | null;
  data_key_nonce: string | null;
  kek_version: number | null;
  created_at: number;
  erased_at: number | null;
  /** When the consumer dismissed the post-sign-up prompt to add a way back in (migration 0008). */
  backup_prompt_dismissed_at: number | null;
};

export type AttributeRow = {
  consumer_id: string;
  name: string;
  persona: string;
  ciphertext: string;
  nonce: string;
  version: number;
  updated_at: number;
};

export type AuditEventRow = {
  seq: number;
  id: string;
  ts: number;
  actor_type: string;
  actor_id: string | null;
  action: string;
  outcome: string;
  consumer_id: string | null;
  brand_id: string | null;
  grant_id: string | null;
  attributes: string | null;
  purpose: string | null;
  reason: string | null;
  detail: string | null;
  prev_hash: string;
  hash: string;
};

/** What events share in the compact log: everything but seq, id, ts, brand and the hashes. */
export type AuditContextRow = {
  num: number;
  actor_type: string;
  actor_id: string | null;
  action: string;
  outcome: string;
  consumer_id: string | null;
  grant_id: string | null;
  attributes: string | null;
  purpose: string | null;
  reason: string | null;
  detail: string | null;
};

/** The audit_events columns in table order: what every store's append writes. */
export const AUDIT_EVENT_COLUMNS = [
  'seq',
  'id',
  'ts',
  'actor_type',
  'actor_id',
  'action',
  'outcome',
  'consumer_id',
  'brand_id',
  'grant_id',
  'attributes',
  'purpose',
  'reason',
  'detail',
  'prev_hash',
  'hash',
] as const satisfies readonly (keyof AuditEventRow)[];

/** Issue 10's JWS checkpoints of the chain, superseded by log_checkpoints; kept, no longer written or read. */
export type AuditCheckpointRow = { seq: number; hash: string; ts: number; kid: string; jws: string };
/** A brand's answer to a market intent (issue 24), with the request accepting it would open. */
export type OfferRow = {
  id: string;
  intent_id: string;
  consumer_id: string;
  brand_id: string;
  offer: string;
  details: string;
  redirect_uri: string;
  code_challenge: string;
  state: string | null;
  status: 'open' | 'accepted' | 'declined' | 'not_taken';
  request_id: string | null;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
  /** When the offer first reached its consumer (list or live stream); null until then. */
  shown_at: number | null;
};
/** A complete subtree hash of the audit tree (base64url), at its append-order position. */
export type AuditTreeNodeRow = { pos: number; hash: string };
/** A signed C2SP checkpoint of the audit tree: its note carries the log key's signatures and witness cosignatures. */
export type LogCheckpointRow = { size: number; root: string; ts: number; note: string };

export type PasskeyRow = {
  id: string;
  consumer_id: string;
  public_key: string;
  counter: number;
  transports: string | null;
  name: string;
  device_type: string | null;
  backed_up: number;
  created_at: number;
  last_used_at: number | null;
};

export type ChallengeRow = {
  challenge_hash: string;
  purpose: 'register' | 'login' | 'step_up';
  user_id: string | null;
  consumer_id: string | null;
  expires_at: number;
  used_at: number | null;
};

export type SessionRow = {
  id_hash: string;
  subject_type: 'consumer' | 'auditor';
  subject_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  /** Random id for listing and revoking (never the lookup hash); set on every row since 0008. */
  public_id: string;
  /** What opened it: a passkey id (consumer's or auditor's), or 'recovery'. */
  credential: string | null;
  /** Coarse browser and OS from User-Agent, at most 60 characters. */
  device: string | null;
  /** Last strong authentication (sign-in, sign-up, step-up), epoch ms. */
  auth_at: number;
};

export type RecoveryCodeRow = { code_hash: string; consumer_id: string; created_at: number; used_at: number | null };

export type AuditorRow = {
  id: string;
  name: string;
  brands: string | null;
  token_hash: string;
  enrol_hash: string | null;
  enrol_expires_at: number | null;
  status: 'active' | 'disabled';
  created_at: number;
  disabled_at: number | null;
};

export type AuditorPasskeyRow = {
  id: string;
  auditor_id: string;
  public_key: string;
  counter: number;
  transports: string | null;
  name: string;
  created_at: number;
  last_used_at: number | null;
};

export type AuditorChallengeRow = {
  challenge_hash: string;
  purpose: 'enrol' | 'login';
  auditor_id: string | null;
  expires_at: number;
  used_at: number | null;
};

/** A shared rate-limit counter (features/limits/shared-limiter.ts, migration 0014): one fixed
 *  window of one class and scope; key_hash is a keyed hash, never the raw address or id. */
export type RateLimitRow = { cls: string; scope: string; key_hash: string; window_start: number; n: number; expires_at: number };

/** label_sealed is the label sealed under the consumer's data key (plaintext only while label_nonce is NULL, before start-up sealed it). */
export type PersonaRow = { consumer_id: string; name: string; label_sealed: string; label_nonce: string | null; created_at: number };

export type IntentRow = {
  id: string;
  consumer_id: string;
  persona: string;
  ciphertext: string;
  nonce: string;
  status: 'open' | 'withdrawn';
  expires_at: number | null;
  created_at: number;
  withdrawn_at: number | null;
  market_id: string | null;
  market_terms: string | null;
  category: string | null;
};

export type BrandRow = {
  id: string;
  name: string;
  homepage: string | null;
  logo_uri: string | null;
  policy_uri: string | null;
  contact: string | null;
  redirect_uris: string;
  auth_method: 'private_key_jwt' | 'client_secret_basic';
  jwks: string | null;
  jwks_uri: string | null;
  secret_hash: string | null;
  webhook_url: string | null;
  status: 'active' | 'disabled';
  created_at: number;
  disabled_at: number | null;
  /** JSON array of the roster ids of the agreements this brand accepts (issue 24); null: none declared. */
  accepted_terms: string | null;
};

export type GrantRequestRow = {
  id: string;
  brand_id: string;
  redirect_uri: string;
  state: string | null;
  code_challenge: string;
  details: string;
  consumer_id: string | null;
  status: 'pending' | 'approved' | 'denied';
  grant_id: string | null;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
};

export type GrantStatus = 'active' | 'revoked' | 'expired' | 'exhausted';

export type GrantRow = {
  id: string;
  brand_id: string;
  consumer_id: string;
  subject: string;
  attributes: string;
  requested: string;
  persona: string | null;
  purpose: string;
  purpose_description: string;
  value_offer: string | null;
  access: 'once' | 'ongoing';
  retention: string | null;
  status: GrantStatus;
  created_at: number;
  updated_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoked_by: string | null;
  revoked_reason: string | null;
  read_count: number;
  last_read_at: number | null;
  /** The roster id of the agreement the grant was made under, when the request named one. */
  agreement: string | null;
};

export type AuthCodeRow = {
  code_hash: string;
  grant_id: string;
  brand_id: string;
  redirect_uri: string;
  code_challenge: string;
  expires_at: number;
  used_at: number | null;
};

export type RefreshTokenRow = {
  token_hash: string;
  family_id: string;
  grant_id: string;
  brand_id: string;
  created_at: number;
  expires_at: number;
  rotated_at: number | null;
  revoked_at: number | null;
};

export type AccessTokenRow = {
  jti: string;
  grant_id: string | null;
  brand_id: string;
  family_id: string | null;
  expires_at: number;
  revoked_at: number | null;
};

export type ReceiptRow = {
  id: string;
  grant_id: string;
  consumer_id: string;
  event: 'granted' | 'revoked';
  jws: string;
  created_at: number;
  /** The brand's countersignature (receipt-countersign.ts), once given. */
  countersignature: string | null;
  countersigned_at: number | null;
};

export type ValueEventRow = {
  id: string;
  grant_id: string;
  brand_id: string;
  consumer_id: string;
  kind: string;
  /** {description, reference} sealed under the consumer's data key (plaintext description only while text_nonce is NULL). */
  text_sealed: string;
  text_nonce: string | null;
  amount: number | null;
  unit: string | null;
  /** Plaintext only in rows written before sealing; NULL once sealed. */
  reference: string | null;
  created_at: number;
  /** When the value was given, as the brand stated it (NULL in older rows: when recorded). */
  given_at: number | null;
};

export type WebhookDeliveryRow = {
  id: string;
  brand_id: string;
  grant_id: string | null;
  event_type: string;
  url: string;
  set_jws: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: number;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
  /** The token of the claim that holds the delivery now (dispatch.ts); null before the first claim. */
  claim: string | null;
};

/** One background job's lease (features/jobs/job-lease.ts): the run holding it, and until when. */
export type JobLeaseRow = { name: string; holder: string; until: number };

/** An operator API token (features/operators/tokens.ts): only its hash is kept. */
export type OperatorTokenRow = {
  id: string;
  name: string;
  token_hash: string;
  status: 'active' | 'revoked';
  created_at: number;
  revoked_at: number | null;
};

export type Database = {
  keys: KeyRow;
  consumers: ConsumerRow;
  attributes: AttributeRow;
  audit_events: AuditEventRow;
  audit_checkpoints: AuditCheckpointRow;
  audit_tree_nodes: AuditTreeNodeRow;
  audit_tree: { id: number; size: number };
  /** The stored form of audit_events (a view over these; migration 0019). */
  audit_log: { seq: number; id: Uint8Array | string; ts: number; context: number; brand: number; hash: Uint8Array };
  audit_contexts: AuditContextRow;
  audit_brands: { num: number; brand_id: string };
  audit_by_context: { gen: number; context: number; seq: number };
  audit_index_state: { id: number; upto: number; time_upto: number };
  audit_time_blocks: { block: number; min_ts: number; max_ts: number };
  log_checkpoints: LogCheckpointRow;
  consumer_terms: { consumer_id: string; persona: string; term: string; updated_at: number };
  offers: OfferRow;
  commit_guards: { name: string; ok: number };
  passkeys: PasskeyRow;
  webauthn_challenges: ChallengeRow;
  sessions: SessionRow;
  rate_limits: RateLimitRow;
  recovery_codes: RecoveryCodeRow;
  personas: PersonaRow;
  intents: IntentRow;
  brands: BrandRow;
  grant_requests: GrantRequestRow;
  grants: GrantRow;
  auth_codes: AuthCodeRow;
  refresh_tokens: RefreshTokenRow;
  access_tokens: AccessTokenRow;
  used_assertions: { jti_hash: string; brand_id: string; expires_at: number };
  receipts: ReceiptRow;
  value_events: ValueEventRow;
  webhook_deliveries: WebhookDeliveryRow;
  job_leases: JobLeaseRow;
  auditors: AuditorRow;
  auditor_passkeys: AuditorPasskeyRow;
  auditor_challenges: AuditorChallengeRow;
  operator_tokens: OperatorTokenRow;
};

// Kysely table types, one interface per table; mirrors migrations/ (epoch-ms integers,
// base64url text for binary). Runtimes must hand back plain numbers and strings.

export type KeyRow = {
  id: string;
  kind: 'kek' | 'signing' | 'pairwise';
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

export type AuditCheckpointRow = { seq: number; hash: string; ts: number; kid: string; jws: string };

export type Database = {
  keys: KeyRow;
  consumers: ConsumerRow;
  attributes: AttributeRow;
  audit_events: AuditEventRow;
  audit_checkpoints: AuditCheckpointRow;
  commit_guards: { name: string; ok: number };
};

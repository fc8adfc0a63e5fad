-- Core tables for PostgreSQL; the same shape as migrations/sqlite/0001_core.sql with
-- BIGINT epoch milliseconds and TEXT base64url for binary values.

CREATE TABLE keys (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('kek', 'signing', 'pairwise')),
  version INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
  public_jwk TEXT,
  wrapped TEXT,
  nonce TEXT,
  kek_version INTEGER,
  check_value TEXT,
  created_at BIGINT NOT NULL,
  retired_at BIGINT,
  UNIQUE (kind, version)
);

CREATE TABLE consumers (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'erased')),
  data_key_wrapped TEXT,
  data_key_nonce TEXT,
  kek_version INTEGER,
  created_at BIGINT NOT NULL,
  erased_at BIGINT
);

CREATE TABLE attributes (
  consumer_id TEXT NOT NULL REFERENCES consumers(id),
  name TEXT NOT NULL,
  persona TEXT NOT NULL DEFAULT '',
  ciphertext TEXT NOT NULL,
  nonce TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (consumer_id, name, persona)
);

CREATE TABLE audit_events (
  seq BIGINT PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  ts BIGINT NOT NULL,
  actor_type TEXT NOT NULL,
  actor_id TEXT,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  consumer_id TEXT,
  brand_id TEXT,
  grant_id TEXT,
  attributes TEXT,
  purpose TEXT,
  reason TEXT,
  detail TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_events_consumer ON audit_events (consumer_id, seq);
CREATE INDEX audit_events_brand ON audit_events (brand_id, seq);

CREATE TABLE audit_checkpoints (
  seq BIGINT PRIMARY KEY,
  hash TEXT NOT NULL,
  ts BIGINT NOT NULL,
  kid TEXT NOT NULL,
  jws TEXT NOT NULL
);

CREATE TABLE commit_guards (
  name TEXT NOT NULL,
  ok INTEGER NOT NULL CONSTRAINT trove_guard CHECK (ok = 1)
);

-- Core tables: keys, consumers with wrapped data keys, sealed attributes, the audit chain.
-- Timestamps are integer epoch milliseconds; binary values are base64url text so
-- SQLite, D1 and PostgreSQL read them back identically.

CREATE TABLE keys (
  id TEXT PRIMARY KEY,                 -- kid for signing keys, 'kek-<n>' for KEKs, 'pairwise-<n>'
  kind TEXT NOT NULL CHECK (kind IN ('kek', 'signing', 'pairwise')),
  version INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
  public_jwk TEXT,                     -- signing keys only
  wrapped TEXT,                        -- private part sealed under a KEK (signing, pairwise)
  nonce TEXT,
  kek_version INTEGER,                 -- which KEK wraps it
  check_value TEXT,                    -- KEKs: a sealed constant proving the master key is right
  created_at INTEGER NOT NULL,
  retired_at INTEGER,
  UNIQUE (kind, version)
);

CREATE TABLE consumers (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'erased')),
  data_key_wrapped TEXT,               -- NULL once erased (crypto-shredding)
  data_key_nonce TEXT,
  kek_version INTEGER,
  created_at INTEGER NOT NULL,
  erased_at INTEGER
);

CREATE TABLE attributes (
  consumer_id TEXT NOT NULL REFERENCES consumers(id),
  name TEXT NOT NULL,
  persona TEXT NOT NULL DEFAULT '',    -- '' is the default value, used when no persona applies
  ciphertext TEXT NOT NULL,
  nonce TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (consumer_id, name, persona)
);

CREATE TABLE audit_events (
  seq INTEGER PRIMARY KEY,             -- gapless, assigned at commit; unique so racing commits fail
  id TEXT NOT NULL UNIQUE,
  ts INTEGER NOT NULL,
  actor_type TEXT NOT NULL,
  actor_id TEXT,
  action TEXT NOT NULL,
  outcome TEXT NOT NULL,
  consumer_id TEXT,
  brand_id TEXT,
  grant_id TEXT,
  attributes TEXT,                     -- JSON array of attribute names, never values
  purpose TEXT,
  reason TEXT,
  detail TEXT,                         -- canonical JSON object
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_events_consumer ON audit_events (consumer_id, seq);
CREATE INDEX audit_events_brand ON audit_events (brand_id, seq);

CREATE TABLE audit_checkpoints (
  seq INTEGER PRIMARY KEY,
  hash TEXT NOT NULL,
  ts INTEGER NOT NULL,
  kid TEXT NOT NULL,
  jws TEXT NOT NULL
);

-- Commit-time conditions: a guard inserts a row with ok = 0 when its condition does
-- not hold, the CHECK fails and the whole commit (transaction or D1 batch) rolls back.
-- The table itself always stays empty.
CREATE TABLE commit_guards (
  name TEXT NOT NULL,
  ok INTEGER NOT NULL CONSTRAINT trove_guard CHECK (ok = 1)
);

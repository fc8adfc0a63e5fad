-- Issue 23, an access log its operator cannot rewrite unseen. The audit events become the
-- leaves of an RFC 9162 Merkle tree, signed in C2SP checkpoints by a dedicated log key.
--
-- The log key is a key row of its own kind, wrapped under the KEK like every private key
-- (so master-key rotation re-wraps it). SQLite (and D1) cannot widen a CHECK in place, so
-- the keys table is rebuilt with 'log' among its kinds.
CREATE TABLE keys_new (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('kek', 'signing', 'pairwise', 'log')),
  version INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('active', 'retired')),
  public_jwk TEXT,                     -- signing keys: the JWK; log keys: {"vkey": "<C2SP verifier key>"}
  wrapped TEXT,
  nonce TEXT,
  kek_version INTEGER,
  check_value TEXT,
  created_at INTEGER NOT NULL,
  retired_at INTEGER,
  UNIQUE (kind, version)
);
INSERT INTO keys_new SELECT id, kind, version, status, public_jwk, wrapped, nonce, kek_version, check_value, created_at, retired_at FROM keys;
DROP TABLE keys;
ALTER TABLE keys_new RENAME TO keys;

-- Complete subtree hashes (base64url of 32 bytes), stored once each at a position fixed by
-- append order (src/features/audit/tlog/node-store.ts): about two rows per event.
CREATE TABLE audit_tree_nodes (
  pos INTEGER PRIMARY KEY,
  hash TEXT NOT NULL
);

-- How many events the stored tree covers. Extending the tree is a compare-and-set on this
-- row, so two nodes extending it at once cannot both write.
CREATE TABLE audit_tree (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  size INTEGER NOT NULL
);
INSERT INTO audit_tree (id, size) VALUES (1, 0);

-- Signed checkpoints: the C2SP signed note (log key signatures, then witness cosignatures).
CREATE TABLE log_checkpoints (
  size INTEGER PRIMARY KEY,
  root TEXT NOT NULL,                  -- base64 (standard) root hash, as in the note body
  ts INTEGER NOT NULL,
  note TEXT NOT NULL
);

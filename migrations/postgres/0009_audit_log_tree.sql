-- Issue 23: the audit events as leaves of an RFC 9162 Merkle tree, signed in C2SP
-- checkpoints by a dedicated log key (see migrations/sqlite/0009_audit_log_tree.sql).
ALTER TABLE keys DROP CONSTRAINT keys_kind_check;
ALTER TABLE keys ADD CONSTRAINT keys_kind_check CHECK (kind IN ('kek', 'signing', 'pairwise', 'log'));

CREATE TABLE audit_tree_nodes (
  pos BIGINT PRIMARY KEY,
  hash TEXT NOT NULL
);

CREATE TABLE audit_tree (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  size BIGINT NOT NULL
);
INSERT INTO audit_tree (id, size) VALUES (1, 0);

CREATE TABLE log_checkpoints (
  size BIGINT PRIMARY KEY,
  root TEXT NOT NULL,
  ts BIGINT NOT NULL,
  note TEXT NOT NULL
);

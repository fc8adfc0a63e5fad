-- Operator tokens: the credential of the operator API (/admin/…) and the remote CLI.
-- Only a hash of each token is kept (like auditors' and brands' secrets); the token
-- itself is printed once by `trove operator token create`. Revoked tokens stay listed so
-- the audit events that name them keep a meaning.

CREATE TABLE operator_tokens (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);

-- PostgreSQL twin of migrations/sqlite/0003. Brands (OAuth clients), pushed authorization requests, grants, authorization codes,
-- refresh tokens and revoked access tokens. Secrets and codes are stored only as hashes.

CREATE TABLE brands (
  id TEXT PRIMARY KEY,                 -- the OAuth client_id
  name TEXT NOT NULL,
  homepage TEXT,
  logo_uri TEXT,
  policy_uri TEXT,
  contact TEXT,
  redirect_uris TEXT NOT NULL,         -- JSON array, matched exactly
  auth_method TEXT NOT NULL CHECK (auth_method IN ('private_key_jwt', 'client_secret_basic')),
  jwks TEXT,                           -- JSON key set for private_key_jwt
  jwks_uri TEXT,
  secret_hash TEXT,                    -- client_secret_basic
  webhook_url TEXT,
  status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
  created_at BIGINT NOT NULL,
  disabled_at BIGINT
);

CREATE TABLE grant_requests (
  id TEXT PRIMARY KEY,                 -- unguessable; request_uri = urn:ietf:params:oauth:request_uri:<id>
  brand_id TEXT NOT NULL REFERENCES brands(id),
  redirect_uri TEXT NOT NULL,
  state TEXT,
  code_challenge TEXT NOT NULL,
  details TEXT NOT NULL,               -- validated trove_attributes authorization details (JSON)
  consumer_id TEXT,                    -- bound to the first signed-in consumer who opens it
  status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'denied')),
  grant_id TEXT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  decided_at BIGINT
);

CREATE TABLE grants (
  id TEXT PRIMARY KEY,
  brand_id TEXT NOT NULL REFERENCES brands(id),
  consumer_id TEXT NOT NULL,
  subject TEXT NOT NULL,               -- pairwise sub the brand sees
  attributes TEXT NOT NULL,            -- JSON array of granted attribute names
  requested TEXT NOT NULL,             -- JSON: the request's required and optional attributes
  persona TEXT,
  purpose TEXT NOT NULL,
  purpose_description TEXT NOT NULL,
  value_offer TEXT,                    -- JSON
  access TEXT NOT NULL CHECK (access IN ('once', 'ongoing')),
  retention TEXT,
  status TEXT NOT NULL CHECK (status IN ('active', 'revoked', 'expired', 'exhausted')),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT,
  revoked_by TEXT,
  revoked_reason TEXT,
  read_count INTEGER NOT NULL DEFAULT 0,
  last_read_at BIGINT
);
CREATE INDEX grants_brand ON grants (brand_id, updated_at);
CREATE INDEX grants_consumer ON grants (consumer_id, created_at);

CREATE TABLE auth_codes (
  code_hash TEXT PRIMARY KEY,
  grant_id TEXT NOT NULL REFERENCES grants(id),
  brand_id TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);

CREATE TABLE refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  family_id TEXT NOT NULL,
  grant_id TEXT NOT NULL REFERENCES grants(id),
  brand_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  rotated_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_grant ON refresh_tokens (grant_id);

-- Access tokens are JWTs; each is listed by jti so a revocation, a replayed code or a
-- reused refresh token can end it before it expires.
CREATE TABLE access_tokens (
  jti TEXT PRIMARY KEY,
  grant_id TEXT,
  brand_id TEXT NOT NULL,
  family_id TEXT,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX access_tokens_grant ON access_tokens (grant_id);

-- private_key_jwt client assertions already used (RFC 7523 jti), kept until they expire.
CREATE TABLE used_assertions (
  jti_hash TEXT PRIMARY KEY,
  brand_id TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);

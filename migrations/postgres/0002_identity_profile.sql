-- PostgreSQL twin of migrations/sqlite/0002. Consumer identity (passkeys, challenges, sessions, recovery codes) and the profile
-- (personas, intents). Secrets are stored only as SHA-256 hashes.

CREATE TABLE passkeys (
  id TEXT PRIMARY KEY,                 -- credential id, base64url
  consumer_id TEXT NOT NULL REFERENCES consumers(id),
  public_key TEXT NOT NULL,            -- COSE public key, base64url
  counter BIGINT NOT NULL,
  transports TEXT,                     -- JSON array
  name TEXT NOT NULL,
  device_type TEXT,
  backed_up INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT
);
CREATE INDEX passkeys_consumer ON passkeys (consumer_id);

CREATE TABLE webauthn_challenges (
  challenge_hash TEXT PRIMARY KEY,
  purpose TEXT NOT NULL CHECK (purpose IN ('register', 'login')),
  user_id TEXT,                        -- register: the consumer id the new credential is for
  consumer_id TEXT,                    -- register while signed in: add a passkey to this consumer
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  subject_type TEXT NOT NULL CHECK (subject_type IN ('consumer', 'auditor')),
  subject_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_subject ON sessions (subject_type, subject_id);

CREATE TABLE recovery_codes (
  code_hash TEXT PRIMARY KEY,
  consumer_id TEXT NOT NULL REFERENCES consumers(id),
  created_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX recovery_codes_consumer ON recovery_codes (consumer_id);

CREATE TABLE personas (
  consumer_id TEXT NOT NULL REFERENCES consumers(id),
  name TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (consumer_id, name)
);

CREATE TABLE intents (
  id TEXT PRIMARY KEY,
  consumer_id TEXT NOT NULL REFERENCES consumers(id),
  persona TEXT NOT NULL DEFAULT '',
  ciphertext TEXT NOT NULL,            -- the intent's text and fields, sealed like attributes
  nonce TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('open', 'withdrawn')),
  expires_at BIGINT,
  created_at BIGINT NOT NULL,
  withdrawn_at BIGINT
);
CREATE INDEX intents_consumer ON intents (consumer_id, created_at);

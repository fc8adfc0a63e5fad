-- Auditors: reviewers of the audit log, scoped to all brands (brands NULL) or a JSON
-- list of client ids. The API token and the one-time enrolment code are stored only as
-- hashes; auditors' passkeys and WebAuthn challenges live apart from consumers' so a
-- credential or challenge of one kind can never act as the other.

CREATE TABLE auditors (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  brands TEXT,                         -- JSON array of client ids; NULL = every brand
  token_hash TEXT NOT NULL UNIQUE,
  enrol_hash TEXT UNIQUE,              -- one-time portal enrolment code, cleared when used
  enrol_expires_at BIGINT,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  created_at BIGINT NOT NULL,
  disabled_at BIGINT
);

CREATE TABLE auditor_passkeys (
  id TEXT PRIMARY KEY,
  auditor_id TEXT NOT NULL REFERENCES auditors(id),
  public_key TEXT NOT NULL,
  counter BIGINT NOT NULL,
  transports TEXT,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT
);
CREATE INDEX auditor_passkeys_auditor ON auditor_passkeys (auditor_id);

CREATE TABLE auditor_challenges (
  challenge_hash TEXT PRIMARY KEY,
  purpose TEXT NOT NULL CHECK (purpose IN ('enrol', 'login')),
  auditor_id TEXT,                     -- enrol: whom the new passkey is for
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);

-- Filters auditors use: by grant, and by time.
CREATE INDEX audit_events_grant ON audit_events (grant_id, seq);
CREATE INDEX audit_events_ts ON audit_events (ts);

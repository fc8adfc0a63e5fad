-- PostgreSQL twin of migrations/sqlite/0008. Issue 20, stale sessions: a session records
-- the credential that opened it (a passkey id, or 'recovery'), a coarse device hint, a
-- random public id to list and revoke it by (the cookie's hash stays the only lookup key),
-- and auth_at, the last time its holder proved who they are (sign-in, sign-up or a
-- step-up assertion). Sensitive calls need auth_at within the last five minutes.
-- Sessions opened before this migration recorded no credential, so removing a passkey
-- could not end them: they end here, and everyone signs in once more.
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN public_id TEXT;
ALTER TABLE sessions ADD COLUMN credential TEXT;
ALTER TABLE sessions ADD COLUMN device TEXT;
ALTER TABLE sessions ADD COLUMN auth_at BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX sessions_public_id ON sessions (public_id);

-- The post-sign-up prompt to save recovery codes or add a second passkey, once dismissed,
-- stays dismissed on every device (so it is kept here, not in one browser).
ALTER TABLE consumers ADD COLUMN backup_prompt_dismissed_at BIGINT;

-- Step-up challenges: a passkey assertion bound to the signed-in consumer.
ALTER TABLE webauthn_challenges DROP CONSTRAINT webauthn_challenges_purpose_check;
ALTER TABLE webauthn_challenges ADD CONSTRAINT webauthn_challenges_purpose_check
  CHECK (purpose IN ('register', 'login', 'step_up'));

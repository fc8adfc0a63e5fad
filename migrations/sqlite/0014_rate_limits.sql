-- Issue 25, one rate-limit budget across nodes: fixed-window counters in the database
-- (used on D1, whose isolates share no memory; embedded SQLite keeps its counters in
-- memory). key_hash is an HMAC of the address or credential id, never the raw value.
-- Rows past expires_at are deleted by the limiter.
CREATE TABLE rate_limits (
  cls TEXT NOT NULL,
  scope TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  n INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (cls, scope, key_hash, window_start)
);
CREATE INDEX rate_limits_expires ON rate_limits (expires_at);

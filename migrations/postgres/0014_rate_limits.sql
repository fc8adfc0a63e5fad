-- PostgreSQL twin of migrations/sqlite/0014 (issue 25): the rate-limit counters every node
-- shares, so N nodes enforce one budget. UNLOGGED: a counter is not worth a WAL flush per
-- request, and losing the counts in a crash only resets the current windows (as a
-- restart does on one node). key_hash is an HMAC, never the raw address or id.
CREATE UNLOGGED TABLE rate_limits (
  cls TEXT NOT NULL,
  scope TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  window_start BIGINT NOT NULL,
  n INTEGER NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (cls, scope, key_hash, window_start)
);
CREATE INDEX rate_limits_expires ON rate_limits (expires_at);

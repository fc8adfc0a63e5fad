-- PostgreSQL twin of migrations/sqlite/0004. The grant lifecycle: signed consent receipts, the value ledger, and webhook
-- deliveries of Security Event Tokens (stored in the same commit as the action).

CREATE TABLE receipts (
  id TEXT PRIMARY KEY,
  grant_id TEXT NOT NULL REFERENCES grants(id),
  consumer_id TEXT NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('granted', 'revoked')),
  jws TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX receipts_grant ON receipts (grant_id, created_at);

CREATE TABLE value_events (
  id TEXT PRIMARY KEY,
  grant_id TEXT NOT NULL REFERENCES grants(id),
  brand_id TEXT NOT NULL,
  consumer_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  description TEXT NOT NULL,
  amount DOUBLE PRECISION,
  unit TEXT,
  reference TEXT,
  created_at BIGINT NOT NULL
);
CREATE INDEX value_events_consumer ON value_events (consumer_id, created_at);

CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  brand_id TEXT NOT NULL,
  grant_id TEXT,
  event_type TEXT NOT NULL,
  url TEXT NOT NULL,
  set_jws TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  last_status INTEGER,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  delivered_at BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_brand ON webhook_deliveries (brand_id, created_at);

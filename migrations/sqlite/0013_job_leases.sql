-- Issue 25, several nodes on one database: a background job (the expiry sweeper, the
-- checkpointer) runs on one node at a time under a lease row (holder = a token of that
-- run, until = when the lease lapses if the holder died), and a webhook delivery is
-- claimed by one node only: its claim token, set by the conditional claim, must still be
-- the row's when the outcome is recorded.
CREATE TABLE job_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  until INTEGER NOT NULL
);
ALTER TABLE webhook_deliveries ADD COLUMN claim TEXT;

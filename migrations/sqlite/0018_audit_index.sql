-- Issue 26, a read's cost independent of the log's size: the audit log's by-consumer and
-- by-grant indexes were written at random places on every audited read, and grew with the
-- log. They move off the hot path: an indexer (src/features/audit/audit-index.ts) appends
-- the events after `upto` in sorted batches, in the background, and queries combine these
-- tables with the short un-indexed tail (events after `upto`, found by sequence).
DROP INDEX audit_events_consumer;
DROP INDEX audit_events_grant;
CREATE TABLE audit_by_consumer (
  consumer_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (consumer_id, seq)
) WITHOUT ROWID;
CREATE TABLE audit_by_grant (
  grant_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (grant_id, seq)
) WITHOUT ROWID;
CREATE TABLE audit_index_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  upto INTEGER NOT NULL
);
INSERT INTO audit_by_consumer (consumer_id, seq) SELECT consumer_id, seq FROM audit_events WHERE consumer_id IS NOT NULL ORDER BY consumer_id, seq;
INSERT INTO audit_by_grant (grant_id, seq) SELECT grant_id, seq FROM audit_events WHERE grant_id IS NOT NULL ORDER BY grant_id, seq;
INSERT INTO audit_index_state (id, upto) VALUES (1, COALESCE((SELECT max(seq) FROM audit_events), 0));

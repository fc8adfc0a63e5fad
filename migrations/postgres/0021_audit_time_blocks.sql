-- Issue 26, queries by time at any log size: an auditor's page "from T, in sequence order"
-- scanned the log by sequence until it reached T (events are stamped by each node's clock,
-- so time is not strictly in sequence order and cannot simply be searched). Each block of
-- 1,024 events (block b holds seq b·1024 + 1 … (b + 1)·1024) keeps its smallest and largest
-- ts, filled in the background after `time_upto` (src/features/audit/time-blocks.ts); a
-- query starts at the first block that can hold a match and stops after the last one, and
-- the events after `time_upto` are always read. Built here for the log as it stands.
CREATE TABLE audit_time_blocks (
  block bigint PRIMARY KEY,
  min_ts bigint NOT NULL,
  max_ts bigint NOT NULL
);
ALTER TABLE audit_index_state ADD COLUMN time_upto bigint NOT NULL DEFAULT 0;
INSERT INTO audit_time_blocks (block, min_ts, max_ts)
  SELECT (seq - 1) / 1024, min(ts), max(ts) FROM audit_log WHERE seq >= 1 GROUP BY (seq - 1) / 1024;
UPDATE audit_index_state SET time_upto = COALESCE((SELECT max(seq) FROM audit_log), 0);

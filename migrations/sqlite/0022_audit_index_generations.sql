-- Issue 26, the by-context index at any log size. Keyed (context, seq), each background run
-- added an entry at the end of every active context's range, so on a grown log a run
-- rewrote about one index page per context: 60,000 new events over 10,000 contexts wrote
-- 120 MB on a log of 3,000,000 events against 8–11 MB on a fresh one (measured), and the
-- read benchmark's server wrote 6,465 bytes per read on that log against 4,551. Entries are
-- now keyed (gen, context, seq), gen being the event's generation of 262,144 events
-- ((seq − 1) >> 18): a run writes into the current generation's pages only, however long
-- the log, and a query looks each of its contexts up in every generation the index reaches
-- (src/features/audit/indexed-events.ts).
CREATE TABLE audit_by_context_gen (
  gen INTEGER NOT NULL,
  context INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (gen, context, seq)
) WITHOUT ROWID;
INSERT INTO audit_by_context_gen (gen, context, seq)
  SELECT (seq - 1) >> 18, context, seq FROM audit_by_context ORDER BY 1, 2, 3;
DROP TABLE audit_by_context;
ALTER TABLE audit_by_context_gen RENAME TO audit_by_context;

-- Issue 26: the by-context index keyed (gen, context, seq), gen being the event's generation
-- of 262,144 events, as on SQLite (see its 0022 for why). PostgreSQL indexes the log as it
-- writes it (0019) and leaves this table empty; it keeps the same columns so one query
-- serves both.
ALTER TABLE audit_by_context ADD COLUMN gen INTEGER;
UPDATE audit_by_context SET gen = (seq - 1) / 262144;
ALTER TABLE audit_by_context ALTER COLUMN gen SET NOT NULL;
ALTER TABLE audit_by_context DROP CONSTRAINT audit_by_context_pkey;
ALTER TABLE audit_by_context ADD PRIMARY KEY (gen, context, seq);

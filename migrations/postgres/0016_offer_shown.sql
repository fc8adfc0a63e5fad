-- Issue 24, live offers: when an offer first reached its consumer (the list or the live
-- stream). Setting it is conditional (WHERE shown_at IS NULL), so however often a stream
-- reconnects or resends, offer.shown is audited once per offer from the stream.
ALTER TABLE offers ADD COLUMN shown_at BIGINT;

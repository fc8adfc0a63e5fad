-- Issue 24, matching records: the brand's countersignature of a consent receipt (its own JWS
-- over the receipt's hash, or for a secret-based brand Trove's record of its authenticated
-- acknowledgement), so both sides hold the same record.
ALTER TABLE receipts ADD COLUMN countersignature TEXT;
ALTER TABLE receipts ADD COLUMN countersigned_at BIGINT;

-- Issue 26: a brand's read fetches all of a consumer's sealed values by consumer_id. As a
-- rowid table, each of those rows was found twice: in the primary key's index, then in
-- the table by its rowid (10 rows, 20 B-tree searches). Stored WITHOUT ROWID, the rows sit
-- in the primary key's own B-tree, in (consumer_id, name, persona) order: one search and
-- a walk along one leaf. Measured on the bench's database (10,000 consumers × 10 values):
-- the read's values query 13.9 µs → 9.9 µs. Columns, key and reference are unchanged.
CREATE TABLE attributes_clustered (
  consumer_id TEXT NOT NULL REFERENCES consumers(id),
  name TEXT NOT NULL,
  persona TEXT NOT NULL DEFAULT '',    -- '' is the default value, used when no persona applies
  ciphertext TEXT NOT NULL,
  nonce TEXT NOT NULL,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (consumer_id, name, persona)
) WITHOUT ROWID;
INSERT INTO attributes_clustered (consumer_id, name, persona, ciphertext, nonce, version, updated_at)
  SELECT consumer_id, name, persona, ciphertext, nonce, version, updated_at FROM attributes ORDER BY consumer_id, name, persona;
DROP TABLE attributes;
ALTER TABLE attributes_clustered RENAME TO attributes;

-- Issue 26, a compact log: the audit tree keeps only its nodes at level 3 and up; levels 1
-- and 2 are folded from the events when read. Removes the level-1 and level-2 rows an older
-- Trove wrote, at their computed positions (see migrations/sqlite/0020_tree_low_levels.sql).
WITH RECURSIVE bits(i, ones) AS (
  SELECT 0::bigint, 0
  UNION ALL
  SELECT 2 * bits.i + b.v, bits.ones + b.v
    FROM bits, (VALUES (0), (1)) AS b(v)
   WHERE 2 * bits.i + b.v > 0 AND 2 * bits.i + b.v < (SELECT size / 2 FROM audit_tree WHERE id = 1)
)
DELETE FROM audit_tree_nodes WHERE pos IN (
  SELECT 4 * (i + 1) - 2 - ones FROM bits WHERE i < (SELECT size / 2 FROM audit_tree WHERE id = 1)
  UNION ALL
  SELECT 8 * (i + 1) - 2 - ones FROM bits WHERE i < (SELECT size / 4 FROM audit_tree WHERE id = 1)
);

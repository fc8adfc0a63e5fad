-- Issue 26, a compact log: the audit tree keeps only its nodes at level 3 and up; levels 1
-- and 2 (2 and 4 events) are folded from the events when read (src/features/audit/tree-nodes.ts).
-- This removes the level-1 and level-2 rows an older Trove wrote, about three in four rows.
-- Their positions are computed, never guessed from the rows: node (level, i) sits at
-- storedNodeIndex(level, i) = (i + 1)·2^(level + 1) − 2 − popcount(i), for i below
-- size / 2^level. `bits` lists every such i with its popcount (i's parent in the walk is
-- i / 2, so the count is carried down the bits); a tree of size 0 or 1 lists none.
-- The freed pages are reused by the log's next rows (the file shrinks only on VACUUM).
WITH RECURSIVE bits(i, ones) AS (
  SELECT 0, 0
  UNION ALL
  SELECT 2 * bits.i + b.v, bits.ones + b.v
    FROM bits, (SELECT 0 AS v UNION ALL SELECT 1) AS b
   WHERE 2 * bits.i + b.v > 0 AND 2 * bits.i + b.v < (SELECT size / 2 FROM audit_tree WHERE id = 1)
)
DELETE FROM audit_tree_nodes WHERE pos IN (
  SELECT 4 * (i + 1) - 2 - ones FROM bits WHERE i < (SELECT size / 2 FROM audit_tree WHERE id = 1)
  UNION ALL
  SELECT 8 * (i + 1) - 2 - ones FROM bits WHERE i < (SELECT size / 4 FROM audit_tree WHERE id = 1)
);

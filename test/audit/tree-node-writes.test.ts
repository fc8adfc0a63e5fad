// The audit tree's nodes are written with bound parameters in chunks of one shape
// (log-tree.ts), so a serving process prepares those statements once: with the values
// written into the SQL, every extension sent new texts, which SQLite's statement cache
// and PostgreSQL's named statements (one per text, on every connection) kept.
import { describe, expect, it } from 'vitest';
import type { AuditAction } from '../../src/db/audit-actions.ts';
import { commit } from '../../src/features/audit/commit.ts';
import { extendTree } from '../../src/features/audit/log-tree.ts';
import { storedNodeRows } from '../../src/features/audit/tree-nodes.ts';
import { testDeps, type TestDeps } from '../helpers/deps.ts';

async function append(deps: TestDeps, n: number) {
  const audit = Array.from({ length: n }, (_, i) => ({
    action: 'grant.read' as AuditAction,
    outcome: 'success' as const,
    actor_type: 'brand' as const,
    actor_id: `b${i % 3}`,
    detail: { i },
  }));
  await commit(deps, { audit });
}

/** The SQL texts and parameters of every write committed from now on (the real store commits them). */
function writesOf(deps: TestDeps) {
  const seen: { sql: string; parameters: readonly unknown[] }[] = [];
  const commitChange = deps.store.commit.bind(deps.store);
  deps.store.commit = (change) => {
    for (const w of change.writes ?? []) seen.push(w.compile());
    return commitChange(change);
  };
  return seen;
}

describe('writing the audit tree’s nodes', () => {
  it('binds every value, in statements that share a handful of texts however far the tree grows', async () => {
    const deps = await testDeps({ checkpointEvery: 1_000_000 });
    const seen = writesOf(deps);
    for (const n of [997, 1_500, 2_503]) {
      await append(deps, n);
      await extendTree(deps);
    }
    const nodeWrites = seen.filter((w) => /audit_tree_nodes/.test(w.sql));
    const size = (await extendTree(deps)).size;
    // Every stored node was written once, through bound parameters only.
    expect(nodeWrites.reduce((n, w) => n + w.parameters.length / 2, 0)).toBe(storedNodeRows(size));
    for (const w of nodeWrites) {
      expect(w.parameters.length).toBeLessThanOrEqual(100); // D1's cap
      expect(w.sql.replace(/\$\d+/g, '$')).not.toMatch(/'[A-Za-z0-9_-]{43}'|\d{3,}/); // no hash and no position in the text (PostgreSQL numbers its placeholders)
    }
    // Full chunks share one text; each extension's last chunk adds at most one more.
    const texts = new Set(nodeWrites.map((w) => w.sql));
    expect(texts.size).toBeLessThanOrEqual(1 + 4);
    expect(nodeWrites.length).toBeGreaterThan(texts.size * 5);
  });
});

import { describe, expect, it } from 'vitest';
import { inlineInsert, inlineStatement, NotInlinable } from '../../src/runtime/postgres-inline.ts';
import { seedConsumer, testDeps, testDialect } from '../helpers/deps.ts';

describe('writing values into PostgreSQL statements for a one-round-trip batch', () => {
  it('quotes every value as node-postgres would send it, escaping quotes and backslashes', () => {
    const sql = inlineStatement('update "t" set "a" = $1, "b" = $2, "c" = $3, "d" = $10 where "id" = $11', [
      "it's", 42, null, 4, 5, 6, 7, 8, 9, 'back\\slash', 'x',
    ]);
    expect(sql).toBe(`update "t" set "a" = 'it''s', "b" = '42', "c" = NULL, "d" =  E'back\\\\slash' where "id" = 'x'`);
  });

  it('refuses what it cannot carry exactly, so the batch goes the parameterised way', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, { a: 1 }, new Uint8Array(2), 10n, 'nul\0byte']) {
      expect(() => inlineStatement('select $1', [bad])).toThrow(NotInlinable);
    }
    expect(() => inlineStatement("select 'literal', $1", ['x'])).toThrow(NotInlinable);
    expect(() => inlineStatement('select $1 -- note', ['x'])).toThrow(NotInlinable);
    expect(() => inlineStatement('select $2', ['x'])).toThrow(NotInlinable);
  });

  it('writes a multi-row insert in column order', () => {
    expect(inlineInsert('e', ['seq', 'note'], [{ seq: 1, note: 'a' }, { seq: 2, note: null }]))
      .toBe(`INSERT INTO e (seq, note) VALUES ('1', 'a'), ('2', NULL)`);
  });

  it(`stores awkward text exactly through a grouped commit on ${testDialect}`, async () => {
    const deps = await testDeps();
    const consumer = await seedConsumer(deps);
    const labels = ["O'Brien", 'back\\slash \\\'', '$1 $$ -- /* */', 'ünï©ødé ✓', ''];
    await Promise.all(labels.map((label, i) => deps.store.commit({
      writes: [deps.store.db.insertInto('personas').values({ consumer_id: consumer, name: `p${i}`, label, created_at: i })],
      audit: [{ action: 'test.awkward', outcome: 'success', actor_type: 'system', detail: { label } }],
    })));
    const rows = await deps.store.db.selectFrom('personas').select(['name', 'label']).where('consumer_id', '=', consumer).orderBy('name').execute();
    expect(rows.map((r) => r.label)).toEqual(labels);
  });
});

// Compiles a Guard into the statement that enforces it inside a commit: when the
// condition does not hold, a row violating commit_guards' CHECK is inserted and the
// whole transaction or batch fails. The same SQL works on SQLite, D1 and PostgreSQL.
// A prepared guard (its condition a bound template) is wrapped and compiled only once.
import { sql, type Compilable, type Kysely } from 'kysely';
import { bindTemplate, isBound, placeholder } from './prepared.ts';
import type { Database } from './schema.ts';
import type { Guard } from './store.ts';

function wrap(db: Kysely<Database>, name: unknown, exists: Guard['exists']) {
  return db
    .insertInto('commit_guards')
    .columns(['name', 'ok'])
    .expression(
      db
        .selectNoFrom([sql<string>`${name}`.as('name'), sql<number>`0`.as('ok')])
        .where(({ not, exists: ex }) => not(ex(exists as never))),
    );
}

const wrappedTemplates = new WeakMap<object, Compilable<unknown>>();

export function guardStatement(db: Kysely<Database>, guard: Guard): Compilable<unknown> {
  const exists = guard.exists;
  if (!isBound(exists)) return wrap(db, guard.name, exists);
  let template = wrappedTemplates.get(exists.template);
  if (!template) {
    template = wrap(db, placeholder('__guard_name'), exists.template as Guard['exists']);
    wrappedTemplates.set(exists.template, template);
  }
  const t = template;
  const values = { ...exists.values, __guard_name: guard.name };
  return { compile: () => bindTemplate(t, values) };
}

// Compiles a Guard into the statements that enforce it inside a commit: when the
// condition does not hold, a row violating commit_guards' CHECK is inserted and the
// whole transaction or batch fails. An `exists` guard is one statement, the same SQL on
// SQLite, D1 and PostgreSQL. A `changes` guard is its write followed by a check that it
// changed a row: SQLite's changes() on SQLite and D1, a data-modifying WITH on PostgreSQL.
// A prepared guard (its query a bound template) is wrapped and compiled only once.
import { sql, type Compilable, type CompiledQuery, type Kysely } from 'kysely';
import { bindTemplate, isBound, placeholder, type Bound } from './prepared.ts';
import type { Database } from './schema.ts';
import type { Guard, Store } from './store.ts';

type Exists = Extract<Guard, { exists: unknown }>['exists'];

function wrap(db: Kysely<Database>, name: unknown, exists: Exists) {
  return db
    .insertInto('commit_guards')
    .columns(['name', 'ok'])
    .expression(db.selectNoFrom([sql<string>`${name}`.as('name'), sql<number>`0`.as('ok')]).where(({ not, exists: ex }) => not(ex(exists as never))));
}

const wrappedTemplates = new WeakMap<object, Compilable<unknown>>();

function existsStatement(db: Kysely<Database>, name: string, exists: Exists): Compilable<unknown> {
  if (!isBound(exists)) return wrap(db, name, exists);
  let template = wrappedTemplates.get(exists.template);
  if (!template) {
    template = wrap(db, placeholder('__guard_name'), exists.template as Exists);
    wrappedTemplates.set(exists.template, template);
  }
  const t = template;
  const values = { ...exists.values, __guard_name: name };
  return { compile: () => bindTemplate(t, values) };
}

// The PostgreSQL text for a `changes` guard, per write text: built once for a prepared one.
const changedTexts = new Map<string, string>();
const MAX_TEXTS = 500;

function changedOnPostgres(write: CompiledQuery): string {
  let text = changedTexts.get(write.sql);
  if (text === undefined) {
    if (/\breturning\b/i.test(write.sql)) throw new Error('a changes guard is a write without RETURNING of its own');
    const name = `$${write.parameters.length + 1}`;
    text = `WITH changed AS (${write.sql} RETURNING 1) INSERT INTO commit_guards (name, ok) SELECT ${name}, 0 WHERE NOT EXISTS (SELECT 1 FROM changed)`;
    if (changedTexts.size < MAX_TEXTS) changedTexts.set(write.sql, text);
  }
  return text;
}

const compiled = (q: CompiledQuery): Compilable<unknown> => ({ compile: () => q });

/** The statements enforcing `guard`, in order; any of them failing the CHECK means it does not hold. */
export function guardStatements(db: Kysely<Database>, dialect: Store['dialect'], guard: Guard): Compilable<unknown>[] {
  if ('exists' in guard) return [existsStatement(db, guard.name, guard.exists)];
  const write = (guard.changes as Bound<unknown> | Compilable<unknown>).compile();
  if (dialect === 'postgres') {
    return [compiled({ ...write, sql: changedOnPostgres(write), parameters: [...write.parameters, guard.name] })];
  }
  return [compiled(write), compiled({ ...write, sql: 'INSERT INTO commit_guards (name, ok) SELECT ?, 0 WHERE changes() = 0', parameters: [guard.name] })];
}

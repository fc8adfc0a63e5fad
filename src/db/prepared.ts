// Statements for the hot path, built and compiled once per database handle: the query
// is written with named placeholders (`p.grantId`), and a call only binds its values, so
// no query building or SQL compiling happens per request. Placeholders must stay bound
// parameters; a template that inlines one into its SQL text is refused.
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.ts';

const MARK = '\u0000trove-param:';

/** A bound statement: usable wherever a Kysely query is (commit writes, executeQuery). */
export type Bound<O> = Compilable<O> & { readonly template: Compilable<O>; readonly values: Readonly<Record<string, unknown>> };

type Compiled = { query: CompiledQuery; slots: (string | null)[] };
const compiledTemplates = new WeakMap<object, Compiled>();

/** Compiles a template once and notes which parameter positions are placeholders. */
export function compileTemplate(template: Compilable<unknown>): Compiled {
  let c = compiledTemplates.get(template);
  if (!c) {
    const query = template.compile();
    if (query.sql.includes(MARK)) throw new Error('a prepared placeholder was inlined into the SQL text');
    const slots = query.parameters.map((v) => (typeof v === 'string' && v.startsWith(MARK) ? v.slice(MARK.length) : null));
    c = { query, slots };
    compiledTemplates.set(template, c);
  }
  return c;
}

/** The template's compiled query with every placeholder replaced by its value. */
export function bindTemplate<O>(template: Compilable<O>, values: Readonly<Record<string, unknown>>): CompiledQuery<O> {
  const { query, slots } = compileTemplate(template);
  const parameters = query.parameters.slice();
  for (let i = 0; i < slots.length; i++) {
    const name = slots[i];
    if (name === null || name === undefined) continue;
    if (!(name in values)) throw new Error(`prepared statement: no value for ${name}`);
    parameters[i] = values[name];
  }
  return { ...query, parameters } as CompiledQuery<O>;
}

/** A placeholder standing for the value `name` will be bound to. */
export const placeholder = (name: string): string => `${MARK}${name}`;
const placeholders = new Proxy({}, { get: (_t, name) => placeholder(String(name)) });

/**
 * Declares a prepared statement. `build` runs once per Kysely instance, with `p` whose
 * properties are placeholders; calling the result binds values and builds nothing.
 */
export function prepared<P extends Record<string, unknown>, O>(build: (db: Kysely<Database>, p: P) => Compilable<O>) {
  const templates = new WeakMap<Kysely<Database>, Compilable<O>>();
  return (db: Kysely<Database>, values: P): Bound<O> => {
    let template = templates.get(db);
    if (!template) {
      template = build(db, placeholders as P);
      templates.set(db, template);
    }
    const t = template;
    return { template: t, values, compile: () => bindTemplate(t, values) };
  };
}

export function isBound(q: unknown): q is Bound<unknown> {
  return typeof q === 'object' && q !== null && 'template' in q && 'values' in q;
}

/** Runs a bound read and returns its rows. */
export async function rows<O>(db: Kysely<Database>, q: Bound<O>): Promise<O[]> {
  return (await db.executeQuery(q.compile())).rows;
}

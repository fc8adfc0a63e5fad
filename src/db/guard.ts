// Compiles a Guard into the statement that enforces it inside a commit: when the
// condition does not hold, a row violating commit_guards' CHECK is inserted and the
// whole transaction or batch fails. The same SQL works on SQLite, D1 and PostgreSQL.
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { Guard } from './store.ts';

export function guardStatement(db: Kysely<Database>, guard: Guard) {
  return db
    .insertInto('commit_guards')
    .columns(['name', 'ok'])
    .expression(
      db
        .selectNoFrom([sql<string>`${guard.name}`.as('name'), sql<number>`0`.as('ok')])
        .where(({ not, exists }) => not(exists(guard.exists))),
    );
}

// The background index jobs' claims (audit_index_state: `upto` for the by-context index,
// `time_upto` for the time blocks) checked against the log before a run. A claim past the
// log's head (a state row edited by hand, or a database restored behind it) would leave
// the job idle until the log grew past it, and every event between what was really
// indexed and the head would count as indexed for good: a consumer's activity and an
// auditor's pages would miss them. Such a claim is taken back to a point the index's own
// rows vouch for (the start of the newest generation or block that holds any), guarded by
// the claimed value, and the job indexes again from there: its writes are idempotent.
import { sql } from 'kysely';
import type { Deps } from '../../deps.ts';
import { commitOr } from './commit.ts';

type Claim = 'upto' | 'time_upto';

/**
 * The claim a run may start from: `claimed` itself when it is within the log (or negative:
 * the database indexes as it writes), else `vouched()` (where the job's own rows up to the
 * head say it may start again, or -1: the database indexes as it writes), at most the
 * head, written back guarded by `claimed`. Null when another node rewrote the claim first
 * (its run goes on).
 */
export async function checkedClaim(deps: Deps, claim: Claim, claimed: number, head: number, vouched: () => Promise<number>): Promise<number | null> {
  if (claimed <= head) return claimed;
  const from = Math.min(head, await vouched());
  deps.log.warn('the audit index claimed events past the log’s head; indexing again from what its rows hold', { claim, claimed, head, from });
  const db = deps.store.db;
  const rewound = await commitOr(
    deps,
    {
      guards: [
        {
          name: `${claim}_rewound`,
          changes: db
            .updateTable('audit_index_state')
            .set(claim === 'upto' ? { upto: from } : { time_upto: from })
            .where('id', '=', 1)
            .where(sql.ref(claim), '=', claimed),
        },
      ],
    },
    () => null,
  );
  return rewound === null ? null : from;
}

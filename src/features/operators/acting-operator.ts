// Every operator API call is audited as the operator who made it. The features the CLI
// shares (brands, auditors, keys, audit export) already write their events as actor
// 'operator' with no actor id; asOperator hands them deps whose commits name the calling
// token's id there, so the same functions serve the local CLI (no token: no id) and the
// API (the token's id) without a second copy. A call that commits nothing (a read, or a
// change already made, such as disabling a disabled brand) is audited as operator.queried
// naming its route, so every operator call leaves an event.
import type { AuditDraft } from '../../db/audit-event.ts';
import type { Change, Store } from '../../db/store.ts';
import type { Deps } from '../../deps.ts';
import { commit } from '../audit/commit.ts';
import type { Operator } from './tokens.ts';

export function asOperator(deps: Deps, operator: Operator, onCommit: () => void = () => {}): Deps {
  const stamp = (e: AuditDraft): AuditDraft => (e.actor_type === 'operator' && !e.actor_id ? { ...e, actor_id: operator.id } : e);
  const commitAs = async (change: Change) => {
    const committed = await deps.store.commit({ ...change, audit: change.audit?.map(stamp) });
    onCommit();
    return committed;
  };
  // A proxy, not a copy: runtime stores carry members of their own beyond the contract.
  const store = new Proxy(deps.store, {
    get(target, key) {
      if (key === 'commit') return commitAs;
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Store;
  return { ...deps, store };
}

/** One operator API call, in the operator's name; audited as operator.queried (naming the route) when it committed nothing. */
export async function actingAs(deps: Deps, operator: Operator, route: string, call: (deps: Deps) => Response | Promise<Response>): Promise<Response> {
  let wrote = false;
  const acting = asOperator(deps, operator, () => {
    wrote = true;
  });
  const res = await call(acting);
  if (!wrote) await operatorQueried(acting, route);
  return res;
}

/** A read through the operator API (a listing, a brand's details): one audit event naming what was read. */
export async function operatorQueried(deps: Deps, what: string, detail: Record<string, string | number | boolean | null> = {}): Promise<void> {
  await commit(deps, { audit: [{ action: 'operator.queried', outcome: 'success', actor_type: 'operator', actor_id: null, detail: { what, ...detail } }] });
}

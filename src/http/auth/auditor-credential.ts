// Who may use the auditor API: an active auditor's bearer token (trv_au_…) or an active
// auditor's portal session. Disabling an auditor refuses both at once.
import type { Context } from 'hono';
import type { Deps } from '../../deps.ts';
import { AUDIT_REALM, InvalidToken, MissingToken } from '../../errors.ts';
import { auditorById, auditorByToken, type Auditor } from '../../features/auditors/accounts.ts';
import type { Session } from '../../features/identity/sessions.ts';
import type { AppEnv } from '../context.ts';

export async function auditorCredential(
  deps: Deps,
  c: Context<AppEnv>,
  opts: { sessionOnly: boolean },
): Promise<{ auditor: Auditor; session: Session | null }> {
  const header = c.req.header('authorization');
  const session = c.get('session');
  if (header !== undefined && !opts.sessionOnly) {
    const m = /^Bearer (\S+)$/i.exec(header);
    const auditor = m ? await auditorByToken(deps, m[1]!) : null;
    if (!auditor) throw new InvalidToken(AUDIT_REALM, 'The auditor token is invalid or its auditor is disabled.');
    return { auditor, session: null };
  }
  const auditor = session?.subjectType === 'auditor' ? await auditorById(deps, session.subjectId) : null;
  if (!auditor) throw new MissingToken(AUDIT_REALM, 'Sign in as an auditor, or send Authorization: Bearer <auditor token>.');
  return { auditor, session };
}

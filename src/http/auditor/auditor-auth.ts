// Who may use the auditor API: an active auditor's bearer token (trv_au_…) or an
// active auditor's portal session. Disabling an auditor refuses both at once.
import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.ts';
import { Unauthorized } from '../../errors.ts';
import { auditorById, auditorByToken, type Auditor } from '../../features/auditors/accounts.ts';
import type { AppEnv } from '../context.ts';

export type AuditorEnv = { Variables: AppEnv['Variables'] & { auditor: Auditor } };

export function requireAuditor(deps: Deps, opts: { sessionOnly?: boolean } = {}): MiddlewareHandler<AuditorEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    let auditor: Auditor | null = null;
    if (header !== undefined && !opts.sessionOnly) {
      const m = /^Bearer (\S+)$/i.exec(header);
      auditor = m ? await auditorByToken(deps, m[1]!) : null;
      if (!auditor) {
        c.header('www-authenticate', 'Bearer realm="trove-audit", error="invalid_token"');
        throw new Unauthorized('The auditor token is invalid or its auditor is disabled.');
      }
    } else {
      const session = c.get('session');
      if (session?.subjectType === 'auditor') auditor = await auditorById(deps, session.subjectId);
      if (!auditor) {
        c.header('www-authenticate', 'Bearer realm="trove-audit"');
        throw new Unauthorized('Sign in as an auditor, or send Authorization: Bearer <auditor token>.');
      }
    }
    c.set('auditor', auditor);
    c.header('cache-control', 'no-store');
    await next();
  };
}

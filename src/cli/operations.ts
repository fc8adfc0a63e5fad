// The seam between the CLI's commands and the Trove they act on: the same operations
// either on this machine's database (the feature functions, with the server's deps) or on
// a remote Trove, Node or Worker, over its operator API (remote.ts). Commands parse their
// options and print once; only how an operation reaches Trove differs, so the output of
// `trove brand list` is the same with or without --url.
import type { Config } from '../config.ts';
import type { Deps } from '../deps.ts';
import { verifyAuditLog } from '../features/audit/verify.ts';
import { addAuditor, disableAuditor, listAuditors, newEnrolLink, OPERATOR_REVIEWER } from '../features/auditors/accounts.ts';
import { startExport } from '../features/auditors/audit-export.ts';
import { brandDetails } from '../features/brands/brand-details.ts';
import { disableBrand, listBrands, registerBrand } from '../features/brands/register-brand.ts';
import { rotateSigningKey } from '../features/keys/rotate-signing.ts';
import { seedDemoBrand } from '../features/operators/demo-brand.ts';
import { createOperatorToken, listOperatorTokens, revokeOperatorToken } from '../features/operators/tokens.ts';
import { UsageError } from './args.ts';
import type { Operations } from './operation-types.ts';
import { RemoteError, remoteOperations, type RemoteTarget } from './remote.ts';
import { withDeps } from './with-deps.ts';

export type { Operations } from './operation-types.ts';

/** The operations on this machine's database, as the operator (no token: audited without an id). */
export function localOperations(deps: Deps): Operations {
  return {
    origin: deps.config.origin,
    registerBrand: (input) => registerBrand(deps, input),
    listBrands: () => listBrands(deps),
    showBrand: (id) => brandDetails(deps, id),
    disableBrand: (id) => disableBrand(deps, id),
    addAuditor: (input) => addAuditor(deps, input),
    listAuditors: () => listAuditors(deps),
    revokeAuditor: (id) => disableAuditor(deps, id),
    enrolLink: (id) => newEnrolLink(deps, id),
    rotateSigningKey: () => rotateSigningKey(deps),
    exportAudit: (format, filter) => startExport(deps, OPERATOR_REVIEWER, format, filter),
    verifyAudit: () => verifyAuditLog(deps.store.db),
    createOperatorToken: (input) => createOperatorToken(deps, input),
    listOperatorTokens: () => listOperatorTokens(deps),
    revokeOperatorToken: (id) => revokeOperatorToken(deps, id),
    seedDemo: (input) => seedDemoBrand(deps, input),
  };
}

/**
 * Runs a command's operations against the remote Trove named by --url (or TROVE_URL), or
 * else against the configured database. A refusal from the remote (4xx) is a usage error,
 * as a feature's 4xx is locally, so both exit 2 with the same message.
 */
export async function withOperations(config: Config, url: string | undefined, fn: (ops: Operations) => Promise<number>): Promise<number> {
  const target = remoteTarget(url, process.env);
  if (!target) return withDeps(config, (deps) => fn(localOperations(deps)));
  try {
    return await fn(remoteOperations(target));
  } catch (err) {
    if (err instanceof RemoteError && err.status < 500) throw new UsageError(err.message);
    throw err;
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The remote Trove of this run: --url, else TROVE_URL; null when neither is set. It needs
 * TROVE_OPERATOR_TOKEN (an environment variable, never an option, so the token stays out
 * of shell history and process lists), and https unless the host is loopback: the token
 * must not cross a network in the clear.
 */
export function remoteTarget(url: string | undefined, env: Record<string, string | undefined>): RemoteTarget | null {
  const raw = url ?? (env.TROVE_URL || undefined);
  if (raw === undefined) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new UsageError(`--url / TROVE_URL must be an absolute http(s) URL (got ${JSON.stringify(raw.slice(0, 80))})`);
  }
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && LOOPBACK.has(u.hostname)))
    throw new UsageError('--url / TROVE_URL must be https (http only on loopback): the operator token must not cross a network in the clear');
  const token = env.TROVE_OPERATOR_TOKEN;
  if (!token) throw new UsageError('a remote Trove needs TROVE_OPERATOR_TOKEN (trove operator token create on the server, or the Worker secret)');
  return { url: `${u.origin}${u.pathname.replace(/\/+$/, '')}`, token };
}

/** Whether this run acts on a remote Trove (for the commands that are local-only). */
export function isRemote(url: string | undefined): boolean {
  return remoteTarget(url, process.env) !== null;
}

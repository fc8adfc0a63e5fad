// Start-up shared by every runtime once the store is migrated: create keys on first
// start, load the key ring (checking the master key), audit operator events, and
// back-fill any audit checkpoint a crash left out.
import { quietNotify, type BaseDeps, type Deps } from './deps.ts';
import { createRateLimiter } from './features/limits/rate-limiter.ts';
import type { AuditDraft } from './features/audit/event.ts';
import { backfillCheckpoints } from './features/audit/checkpoint.ts';
import { commit } from './features/audit/commit.ts';
import { bootstrapKeys } from './features/keys/bootstrap.ts';
import { loadKeyRing } from './features/keys/keyring.ts';

export async function boot(base: BaseDeps, masterKey: Uint8Array, migrationsApplied: string[] = []): Promise<Deps> {
  await bootstrapKeys(base, masterKey);
  const deps: Deps = {
    notify: quietNotify, limits: createRateLimiter(base.clock, base.config.rateLimitScale), ...base, keys: await loadKeyRing(base, masterKey),
  };
  const audit: AuditDraft[] = [];
  if (migrationsApplied.length) audit.push(migrationsAudit(migrationsApplied));
  if (base.config.production) {
    audit.push({ action: 'operator.started', outcome: 'success', actor_type: 'operator', detail: { mode: 'production' } });
  }
  if (audit.length) await commit(deps, { audit });
  await backfillCheckpoints(deps);
  return deps;
}

export function migrationsAudit(files: string[]): AuditDraft {
  return { action: 'operator.migrations_applied', outcome: 'success', actor_type: 'operator', detail: { files: files.join(',') } };
}

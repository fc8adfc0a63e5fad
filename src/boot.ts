// Start-up shared by every runtime once the store is migrated: create keys on first
// start (and the audit log key, on vaults older than it), load the key ring (checking the
// master key) and audit operator events. The runtime keeps the log checkpointed.
import { noMetrics, quietNotify, type BaseDeps, type Deps } from './deps.ts';
import { limiterFor } from './features/limits/limiter-for.ts';
import type { AuditEvent } from './db/audit-event.ts';
import { commit } from './features/audit/commit.ts';
import { bootstrapKeys } from './features/keys/bootstrap.ts';
import { loadKeyRing } from './features/keys/keyring.ts';
import { ensureLogKey } from './features/keys/log-key.ts';
import { DEFAULT_ROSTER } from './features/terms/roster.ts';
import { fromB64u } from './crypto/encoding.ts';
import { sealLegacyText } from './features/profile/seal-legacy.ts';

/** `masterKey` is the current master key; earlier ones come from the configuration. The key
 *  ring keeps its own copies, so the caller may wipe its buffer once boot returns. */
export async function boot(base: BaseDeps, masterKey: Uint8Array, migrationsApplied: string[] = []): Promise<Deps> {
  await bootstrapKeys(base, masterKey);
  const previous = base.config.previousMasterKeys.map(fromB64u);
  const keys = await loadKeyRing(base, { current: masterKey, previous }, { cacheMs: base.config.keyCacheMs });
  for (const k of previous) k.fill(0);
  if (await ensureLogKey(base, keys.kek(keys.kekVersion), keys.kekVersion)) await keys.reload(base.clock.now(), { force: true });
  const deps: Deps = {
    notify: quietNotify,
    roster: DEFAULT_ROSTER,
    metrics: noMetrics,
    limits: limiterFor(base.store, base.clock, base.config.rateLimitScale, () => keys.pairwiseKey),
    ...base,
    keys,
  };
  if (!keys.activeFromCurrent) {
    base.log.warn(
      "TROVE_MASTER_KEY is not yet the vault's master key: the active key-encryption key opens with a key in TROVE_PREVIOUS_MASTER_KEYS. Run `trove keys rotate --master` to move the vault to TROVE_MASTER_KEY.",
    );
  }
  const audit: AuditEvent[] = [];
  if (migrationsApplied.length) audit.push(migrationsAudit(migrationsApplied));
  if (base.config.production) {
    audit.push({ action: 'operator.started', outcome: 'success', actor_type: 'operator', detail: { mode: 'production' } });
  }
  if (audit.length) await commit(deps, { audit });
  const sealed = await sealLegacyText(deps);
  if (sealed) base.log.info('sealed persona labels and value texts stored before they were sealed', { rows: sealed });
  return deps;
}

export function migrationsAudit(files: string[]): AuditEvent {
  return { action: 'operator.migrations_applied', outcome: 'success', actor_type: 'operator', detail: { files: files.join(',') } };
}

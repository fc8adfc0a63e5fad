// The post-sign-up prompt to keep a way back in: due while the account has one passkey
// or none, no unused recovery code, and the consumer has not dismissed it. Dismissal is
// kept on the account (not in one browser), so it holds on every device; adding a way in
// ends the prompt by itself.
import type { Deps } from '../../deps.ts';
import { commit } from '../audit/commit.ts';
import { unusedRecoveryCodes } from './recovery.ts';

export async function backupPromptDue(deps: Deps, consumerId: string): Promise<boolean> {
  const db = deps.store.db;
  const [consumer, passkeys] = await Promise.all([
    db.selectFrom('consumers').select('backup_prompt_dismissed_at').where('id', '=', consumerId).executeTakeFirst(),
    db.selectFrom('passkeys').select('id').where('consumer_id', '=', consumerId).limit(2).execute(),
  ]);
  if (!consumer || consumer.backup_prompt_dismissed_at !== null || passkeys.length >= 2) return false;
  return (await unusedRecoveryCodes(deps, consumerId)) === 0;
}

export async function dismissBackupPrompt(deps: Deps, consumerId: string): Promise<void> {
  const db = deps.store.db;
  await commit(deps, {
    writes: [
      db
        .updateTable('consumers')
        .set({ backup_prompt_dismissed_at: deps.clock.now() })
        .where('id', '=', consumerId)
        .where('backup_prompt_dismissed_at', 'is', null),
    ],
    audit: [{ action: 'backup_prompt.dismissed', outcome: 'success', actor_type: 'consumer', actor_id: consumerId, consumer_id: consumerId }],
  });
}

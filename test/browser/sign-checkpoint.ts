// Signs an audit checkpoint at the current head, as the operator can on demand, against
// the database in the environment (run as a child process next to the live server).
import { parseConfig } from '../../src/config.ts';
import { withDeps } from '../../src/cli/with-deps.ts';
import { checkpointNow } from '../../src/features/audit/checkpoint.ts';

await withDeps(parseConfig(process.env), async (deps) => {
  const head = await checkpointNow(deps);
  process.stdout.write(`${JSON.stringify(head)}\n`);
  return 0;
});

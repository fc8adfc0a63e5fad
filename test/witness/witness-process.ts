// A real `trove witness serve` process for tests: spawned with node on 127.0.0.1 (--port 0 picks a
// free port unless one is given), its --json start line read for url and vkey, its stderr kept.
import { spawn, spawnSync } from 'node:child_process';
import { projectRoot } from '../../src/runtime/node/paths.ts';

export type WitnessProcess = Awaited<ReturnType<typeof startWitness>>;

const env = { PATH: process.env.PATH ?? '' };

/** Runs the trove command to completion (keygen, failing starts). */
export const trove = (...args: string[]) => spawnSync(process.execPath, ['src/cli/trove.ts', ...args], { cwd: projectRoot, encoding: 'utf8', env });

export async function startWitness(opts: { keyFile: string; stateFile: string; logs: readonly string[]; port?: number }) {
  const args = ['src/cli/trove.ts', 'witness', 'serve', '--key-file', opts.keyFile, '--state', opts.stateFile, '--port', String(opts.port ?? 0), '--json'];
  const child = spawn(process.execPath, [...args, ...opts.logs.flatMap((l) => ['--log', l])], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const started = await new Promise<{ url: string; vkey: string }>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      if (stdout.includes('\n')) resolve(JSON.parse(stdout.slice(0, stdout.indexOf('\n'))));
    });
    void exited.then((code) => reject(new Error(`witness exited with ${code} before listening: ${stderr}`)));
    setTimeout(() => reject(new Error(`witness did not start: ${stderr}`)), 15_000).unref();
  });
  return {
    ...started,
    port: Number(new URL(started.url).port),
    stderr: () => stderr,
    /** Kills the process (SIGKILL: no chance to flush anything) and waits for it to exit. */
    async kill(signal: NodeJS.Signals = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

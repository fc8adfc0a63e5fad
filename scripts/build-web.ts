// Builds the portal (web/ → web/dist) with Vite when its sources changed, writes .gz/.br
// copies, prints the first page's JavaScript size and fails above 80 KB gzip; one build at a
// time, swapped in whole. `--if-possible`: without Vite (--omit=dev) keep what is there.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { describeSize, FIRST_PAGE_JS_BUDGET, kb, portalSize } from './portal-size.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const web = join(root, 'web');
const dist = join(web, 'dist');
const lock = join(web, '.build-lock');
const INPUTS = ['web/index.html', 'web/vite.config.ts', 'web/src', 'web/public', 'src/http/portal-paths.ts', 'src/features/audit/tlog', 'package-lock.json'];

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((f) => files(join(path, f)));
}

function inputsHash(): string {
  const h = createHash('sha256');
  for (const f of INPUTS.flatMap((p) => files(join(root, p)))) h.update(f.slice(root.length)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another build is running; a lock older than two minutes was left by a dead one.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // gone meanwhile
      }
      if (Date.now() > deadline) throw new Error(`portal build: timed out waiting for ${lock}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function precompress(dir: string) {
  for (const f of files(dir)) {
    if (!/\.(js|css|html|svg|json|txt)$/.test(f)) continue;
    const body = readFileSync(f);
    if (body.length < 1024) continue;
    writeFileSync(`${f}.gz`, gzipSync(body, { level: 9 }));
    writeFileSync(`${f}.br`, brotliCompressSync(body));
  }
  // Cloudflare compresses on its own: keep the copies out of the Worker's assets.
  writeFileSync(join(dir, '.assetsignore'), '*.gz\n*.br\n.build-hash\n');
}

export async function buildPortal(opts: { force?: boolean; log?: (line: string) => void } = {}): Promise<{ built: boolean; report: string }> {
  const log = opts.log ?? ((line: string) => console.log(line));
  return withLock(async () => {
    const hash = inputsHash();
    const stamp = join(dist, '.build-hash');
    if (!opts.force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
      const report = describeSize(portalSize(dist));
      log(`${report} (up to date)`);
      return { built: false, report };
    }
    const { build } = await import('vite');
    const out = join(web, `.dist-${process.pid}`);
    rmSync(out, { recursive: true, force: true });
    // A production build whatever the caller's NODE_ENV (vitest sets "test", which would
    // keep development-only code in the bundle).
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: join(web, 'vite.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir: out, emptyOutDir: true } });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    const size = portalSize(out);
    const report = describeSize(size);
    log(report);
    if (size.firstPageJs > FIRST_PAGE_JS_BUDGET) {
      rmSync(out, { recursive: true, force: true });
      throw new Error(`portal build: the first page's JavaScript is ${kb(size.firstPageJs)} gzip, over the ${kb(FIRST_PAGE_JS_BUDGET)} budget`);
    }
    precompress(out);
    writeFileSync(join(out, '.build-hash'), hash);
    const old = join(web, `.dist-old-${process.pid}`);
    if (existsSync(dist)) renameSync(dist, old);
    renameSync(out, dist);
    rmSync(old, { recursive: true, force: true });
    return { built: true, report };
  });
}

async function viteInstalled(): Promise<boolean> {
  try {
    await import('vite');
    return true;
  } catch {
    return false;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ifPossible = process.argv.includes('--if-possible');
  try {
    if (ifPossible && !(await viteInstalled())) {
      console.log(
        existsSync(join(dist, 'index.html'))
          ? 'portal: Vite is not installed; serving the existing build in web/dist'
          : 'portal: Vite is not installed and web/dist is missing; Trove will serve the API only (build with `npm run build:web`)',
      );
    } else {
      await buildPortal({ force: process.argv.includes('--force') });
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}

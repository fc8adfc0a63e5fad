// The consent flow's latency, PAR → consumer approval → token exchange, through the real
// app in process on an on-disk SQLite database (synchronous=FULL). Reports p50/p99 of the
// whole flow and of each step. The first flows of a process (its code not yet compiled)
// are a warm-up, not counted: the read path's targets get theirs too.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../src/app.ts';
import { parseConfig } from '../src/config.ts';
import { silentLog } from '../src/deps.ts';
import { commit } from '../src/features/audit/commit.ts';
import { registerBrand } from '../src/features/brands/register-brand.ts';
import { newConsumer } from '../src/features/identity/create-consumer.ts';
import { csrfTokenFor, newSession } from '../src/features/identity/sessions.ts';
import { createNodeDeps } from '../src/runtime/node/deps.ts';

const pct = (xs: number[], p: number) => Math.round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! * 100) / 100;

export async function benchConsentFlow(flows: number, warmup = Math.ceil(flows / 10)) {
  const dir = mkdtempSync(join(tmpdir(), 'trove-bench-consent-'));
  const deps = await createNodeDeps(
    parseConfig({ TROVE_DATA_DIR: dir, TROVE_MASTER_KEY: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8', TROVE_RATE_LIMIT_SCALE: '0' }),
    { log: silentLog },
  );
  try {
    const app = createApp(deps);
    const c = newConsumer(deps);
    const s = newSession(deps, 'consumer', c.id, { credential: 'bench' });
    await commit(deps, { writes: [c.insert, s.insert] });
    const cookie = `trove_session=${s.rawId}`;
    const csrf = csrfTokenFor(deps, s.rawId);
    const { client_id, client_secret } = await registerBrand(deps, {
      name: 'Bench',
      redirect_uris: ['https://bench.example/cb'],
      auth: { method: 'client_secret_basic' },
    });
    const auth = `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}`;
    const post = (path: string, body: Record<string, string>) =>
      app.request(path, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      });
    const details = JSON.stringify([
      {
        type: 'trove_attributes',
        attributes: ['email'],
        purpose: 'https://w3id.org/dpv#ServiceProvision',
        purpose_description: 'Bench',
        access: 'ongoing',
        duration: 'P30D',
      },
    ]);
    const steps = { par: [] as number[], approve: [] as number[], token: [] as number[], total: [] as number[] };
    for (let i = 0; i < warmup + flows; i++) {
      const verifier = randomBytes(32).toString('base64url');
      const t0 = performance.now();
      const parRes = await post('/oauth/par', {
        response_type: 'code',
        client_id,
        redirect_uri: 'https://bench.example/cb',
        code_challenge_method: 'S256',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        authorization_details: details,
      });
      const id = ((await parRes.json()) as { request_uri: string }).request_uri.split(':').at(-1)!;
      const t1 = performance.now();
      const ok = await app.request(`/api/me/requests/${id}/approve`, {
        method: 'POST',
        headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' },
        body: '{}',
      });
      const code = new URL(((await ok.json()) as { redirect_to: string }).redirect_to).searchParams.get('code')!;
      const t2 = performance.now();
      const tok = await post('/oauth/token', { grant_type: 'authorization_code', code, redirect_uri: 'https://bench.example/cb', code_verifier: verifier });
      if (tok.status !== 200) throw new Error(`token failed: ${await tok.text()}`);
      await tok.json();
      const t3 = performance.now();
      if (i < warmup) continue;
      steps.par.push(t1 - t0);
      steps.approve.push(t2 - t1);
      steps.token.push(t3 - t2);
      steps.total.push(t3 - t0);
    }
    return {
      flows,
      ...Object.fromEntries(Object.entries(steps).map(([k, xs]) => [`${k}_ms`, { p50: pct(xs, 50), p99: pct(xs, 99) }])),
    };
  } finally {
    await deps.store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `node bench/consent-flow.ts [flows]`: prints the figures as JSON (run.ts runs it so, in a
// process of its own).
if (import.meta.main) console.log(JSON.stringify(await benchConsentFlow(Number(process.argv[2] ?? 300))));

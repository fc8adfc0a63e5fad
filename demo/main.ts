// `npm run demo`: Trove on the embedded default (port 8787) plus the two demo shops, "Stride
// & Co" (port 8788) and "Pace Running" (port 8789), registered through the CLI on first run.
// Ctrl-C stops all three.
import { spawn } from 'node:child_process';
import { SHOPS } from '../src/features/operators/demo-shops.ts';
import { startFlags } from '../src/runtime/node/start-flags.ts';
import { registerDemoBrand } from './register.ts';
import { startDemoBrand } from './start-demo-brand.ts';

const trovePort = Number(process.env.PORT ?? 8787);
const demoPort = Number(process.env.DEMO_PORT ?? 8788);
const troveOrigin = process.env.TROVE_ORIGIN ?? `http://localhost:${trovePort}`;
// The demo shops' webhooks are on loopback: allow private webhook targets for this run only.
// A quiet console: no access line per request unless asked for (TROVE_LOG_LEVEL=info).
const env = {
  ...process.env,
  PORT: String(trovePort),
  TROVE_ORIGIN: troveOrigin,
  TROVE_WEBHOOK_ALLOW_PRIVATE: 'true',
  TROVE_LOG_LEVEL: process.env.TROVE_LOG_LEVEL ?? 'warn',
};

const trove = spawn(process.execPath, [...startFlags(), 'src/runtime/node/main.ts'], { env, stdio: 'inherit' });
const stopAll = () => {
  trove.kill('SIGTERM');
  process.exit(0);
};
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);
trove.on('exit', (code) => process.exit(code ?? 1));

for (let i = 0; ; i++) {
  try {
    if ((await fetch(`http://127.0.0.1:${trovePort}/healthz`)).ok) break;
  } catch {
    if (i > 200) throw new Error('Trove did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}
const shops = [];
for (const [i, shop] of (['stride', 'pace'] as const).entries()) {
  const port = demoPort + i;
  const brand = registerDemoBrand(env, `http://localhost:${port}`, shop);
  const site = await startDemoBrand({ troveOrigin, port, clientId: brand.client_id, clientSecret: brand.client_secret, shop });
  shops.push(`${SHOPS[shop].name.padEnd(16)}${site.url}  (client ${brand.client_id}, accepts ${SHOPS[shop].accepts.join(', ')})`);
}
console.log(`
Trove:            ${troveOrigin}
${shops.join('\n')}

  1. Open ${troveOrigin}, sign up with a passkey and fill in your shoe and clothing sizes.
  2. Open ${`http://localhost:${demoPort}`} and choose "${SHOPS.stride.ask.heading}".
  3. Review the request in Trove, tick the optional items you want to share, approve.
  4. The shop shows exactly what it received and records the value it gave; the read appears in your activity.
  5. Revoke in Trove: the shop deletes what it received and says so, and "Read my sizes again" is refused.
  6. In Trove choose My terms → "Service delivery only", then publish an intent to the market
     (e.g. "Trail running shoes, size 42"): both shops answer with offers, live. Compare,
     accept one, approve, and see the value arrive on your Value page.
Ctrl-C stops all three.`);

// `npm run demo`: Trove on the embedded default (port 8787) plus the demo brand
// "Stride & Co" (port 8788), registered through the CLI on first run. Ctrl-C stops both.
import { spawn } from 'node:child_process';
import { registerDemoBrand } from './register.ts';
import { startDemoBrand } from './start-demo-brand.ts';

const trovePort = Number(process.env.PORT ?? 8787);
const demoPort = Number(process.env.DEMO_PORT ?? 8788);
const troveOrigin = process.env.TROVE_ORIGIN ?? `http://localhost:${trovePort}`;
const publicUrl = `http://localhost:${demoPort}`;
// The demo brand's webhook is on loopback: allow private webhook targets for this run only.
const env = { ...process.env, PORT: String(trovePort), TROVE_ORIGIN: troveOrigin, TROVE_WEBHOOK_ALLOW_PRIVATE: 'true' };

const trove = spawn(process.execPath, ['src/runtime/node/main.ts'], { env, stdio: 'inherit' });
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
const brand = registerDemoBrand(env, publicUrl);
const demo = await startDemoBrand({ troveOrigin, port: demoPort, clientId: brand.client_id, clientSecret: brand.client_secret });
console.log(`
Trove:            ${troveOrigin}
Demo shop:        ${demo.url}  (Stride & Co, client ${brand.client_id})

  1. Open ${troveOrigin}, sign up with a passkey and fill in your shoe and clothing sizes.
  2. Open ${demo.url} and choose "Share your sizes for 10% off".
  3. Review the request in Trove, tick the optional items you want to share, approve.
  4. The shop shows exactly what it received; the read appears in your activity.
  5. Revoke in Trove: the shop deletes what it received and says so, and "Read again" is refused.
Ctrl-C stops both.`);

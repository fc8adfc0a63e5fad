// Peer (a): bare Hono on @hono/node-server answering a small JSON body behind a bearer
// header check — the framework's ceiling on this machine.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono().get('/v1/attributes', (c) => {
  if (!c.req.header('authorization')) return c.json({ error: 'unauthorized' }, 401);
  return c.json({ sub: 'bench', attributes: { email: 'bench@example.com', shoe_size: { size: 42, system: 'EU' } } });
});
serve({ fetch: app.fetch, port: Number(process.argv[2] ?? 0), hostname: '127.0.0.1' }, (info) => {
  process.stdout.write(`READY ${JSON.stringify({ url: `http://127.0.0.1:${info.port}/v1/attributes`, tokens: ['x'] })}\n`);
});

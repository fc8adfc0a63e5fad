// Starts the demo brand's site on loopback (for npm run demo and the browser tests).
import { serve } from '@hono/node-server';
import { createDemoBrand, type DemoEvent } from './brand-app.ts';

export type StartOptions = { troveOrigin: string; port: number; clientId: string; clientSecret: string; publicUrl?: string };

export function startDemoBrand(o: StartOptions): Promise<{ url: string; events: DemoEvent[]; close(): Promise<void> }> {
  return new Promise((resolve) => {
    let url = o.publicUrl ?? '';
    const holder: { events: DemoEvent[] } = { events: [] };
    const server = serve({
      fetch: (req, env) => demo.app.fetch(req, env), port: o.port, hostname: '127.0.0.1',
    }, (info) => {
      url ||= `http://localhost:${info.port}`;
      resolve({ url, events: holder.events, close: () => new Promise((done) => server.close(() => done())) });
    });
    const demo = createDemoBrand({ troveOrigin: o.troveOrigin, publicUrl: o.publicUrl ?? `http://localhost:${o.port}`, clientId: o.clientId, clientSecret: o.clientSecret });
    holder.events = demo.events;
  });
}

// Starts the demo brand's site on loopback (for npm run demo and the browser tests).
import { serve } from '@hono/node-server';
import { createDemoBrand, type DemoEvent } from './brand-app.ts';

export type StartOptions = { troveOrigin: string; port: number; clientId: string; clientSecret: string; publicUrl?: string };

export type DemoBrandServer = {
  url: string;
  events: DemoEvent[];
  /** The consumer's values the shop holds right now (for tests: gone after a revocation). */
  held(): Record<string, unknown>;
  close(): Promise<void>;
};

export function startDemoBrand(o: StartOptions): Promise<DemoBrandServer> {
  return new Promise((resolve) => {
    let url = o.publicUrl ?? '';
    const holder: { events: DemoEvent[] } = { events: [] };
    const server = serve(
      {
        fetch: (req, env) => demo.app.fetch(req, env),
        port: o.port,
        hostname: '127.0.0.1',
      },
      (info) => {
        url ||= `http://localhost:${info.port}`;
        resolve({ url, events: holder.events, held: () => ({ ...demo.session.values }), close: () => new Promise((done) => server.close(() => done())) });
      },
    );
    const demo = createDemoBrand({
      troveOrigin: o.troveOrigin,
      publicUrl: o.publicUrl ?? `http://localhost:${o.port}`,
      clientId: o.clientId,
      clientSecret: o.clientSecret,
    });
    holder.events = demo.events;
  });
}

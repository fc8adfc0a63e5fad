// Starts a demo shop's site on loopback (for npm run demo and the browser tests), and has it
// look once at the market for intents it can answer (later ones reach it as events).
import { serve } from '@hono/node-server';
import { shopOf } from '../src/features/operators/demo-shops.ts';
import { createDemoBrand, type DemoEvent } from './brand-app.ts';
import type { MarketOffer } from './market-answer.ts';

export type StartOptions = { troveOrigin: string; port: number; clientId: string; clientSecret: string; publicUrl?: string; shop?: string };

export type DemoBrandServer = {
  url: string;
  events: DemoEvent[];
  /** The offers the shop has made on the market, newest first, with what it knows of their fate. */
  offers: MarketOffer[];
  /** The consumer's values the shop holds right now (for tests: gone after a revocation). */
  held(): Record<string, unknown>;
  close(): Promise<void>;
};

export function startDemoBrand(o: StartOptions): Promise<DemoBrandServer> {
  const demo = createDemoBrand({
    troveOrigin: o.troveOrigin,
    publicUrl: o.publicUrl ?? `http://localhost:${o.port}`,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    shop: shopOf(o.shop),
  });
  return new Promise((resolve) => {
    const server = serve({ fetch: (req, env) => demo.app.fetch(req, env), port: o.port, hostname: '127.0.0.1' }, (info) => {
      void demo.market.answerOpen();
      resolve({
        url: o.publicUrl ?? `http://localhost:${info.port}`,
        events: demo.events,
        offers: demo.market.offers,
        held: () => ({ ...demo.session.values }),
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

// A webhook receiver on loopback for tests: records every SET it is sent and can be
// told to fail the next N deliveries.
import { createServer, type Server } from 'node:http';

export type Received = { at: number; contentType: string | undefined; body: string };

export async function startReceiver() {
  const received: Received[] = [];
  let failNext = 0;
  const waiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (failNext > 0) {
        failNext -= 1;
        res.writeHead(503).end();
        return;
      }
      received.push({ at: Date.now(), contentType: req.headers['content-type'], body });
      res.writeHead(202).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/events`,
    received,
    failNext(n: number) {
      failNext = n;
    },
    attempts: () => received.length,
    waitFor: (n: number, ms: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${n} deliveries in ${ms} ms`)), ms);
        const check = () => {
          if (received.length < n) return waiters.push(check);
          clearTimeout(timer);
          resolve();
        };
        check();
      }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

// The port of every server a test starts by name (a Trove process, a demo shop whose
// redirect URI is registered first, a PORT given to a child process). Drawn below Linux's
// ephemeral range (32768 and up), where the kernel never puts the local end of an outgoing
// connection — a port drawn from 20000–39999 once collided with one (EADDRINUSE), and a
// port the kernel hands to a listener on port 0 comes from that range too — then checked
// free by listening on it, and never handed out twice in one process.
import { createServer } from 'node:net';

const LOW = 20000;
const HIGH = 32767;
const given = new Set<number>();

function listenable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export async function unusedPort(): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW + 1));
    if (given.has(port) || !(await listenable(port))) continue;
    given.add(port);
    return port;
  }
  throw new Error(`no free port found in ${LOW}–${HIGH}`);
}

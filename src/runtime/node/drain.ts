// Draining an HTTP server without dropping a request it accepted. Node's own close()
// also closes every connection it deems idle, and to Node a connection accepted but whose
// request bytes it has not read yet is idle: under load those requests would be reset. So
// the drain stops listening itself, answers in-flight requests with Connection: close, and
// ends only connections that are really idle: served and quiet, or silent for GRACE_MS.
import type { Server } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

const GRACE_MS = 1000;
const QUIET_MS = 100;
const SETTLE_MS = 1000;
const SWEEP_MS = 50;

type Conn = { active: number; served: boolean; ending?: boolean };
type Response = { shouldKeepAlive: boolean; headersSent: boolean };

export type Drainable = { drain(): Promise<void> };

export function drainable(server: Server): Drainable {
  let draining = false;
  const conns = new Map<Socket, Conn>();
  const inFlight = new Set<Response>();
  let lastConnection = 0;
  server.on('connection', (socket: Socket) => {
    lastConnection = Date.now();
    conns.set(socket, { active: 0, served: false });
    socket.once('close', () => conns.delete(socket));
  });
  server.on('request', (req, res) => {
    const conn = conns.get(req.socket);
    if (conn) {
      conn.active += 1;
      conn.served = true;
    }
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (conn) conn.active -= 1;
    });
    // Runs before the app writes its head: a request that arrives while draining (on a
    // kept-alive connection) is answered, and its connection then closed.
    if (draining) res.shouldKeepAlive = false;
  });
  return {
    drain() {
      draining = true;
      const began = Date.now();
      // Their clients must not send another request on these connections.
      for (const res of inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
      return new Promise<void>((done) => {
        const sweep = () => {
          for (const [socket, conn] of conns) {
            if (conn.active > 0 || conn.ending) continue;
            // end(), not destroy(): closing a socket with unread bytes (a body the app did
            // not read) sends a reset, and the client may lose the answer it was sent.
            if (conn.served || Date.now() - began >= GRACE_MS) {
              conn.ending = true;
              socket.end();
            }
          }
        };
        const sweeper = setInterval(sweep, SWEEP_MS);
        // Connections the kernel completed but Node has not accepted yet would be reset by
        // closing the listener: it closes once none has arrived for QUIET_MS (at most SETTLE_MS).
        // Measured from the drain's start too, and checked only from timers: the signal may be
        // handled in the same turn of the event loop as a pending accept (a busy loop turn can
        // be longer than QUIET_MS), and a timer runs only after that turn has accepted.
        const stopListening = () => {
          if (Date.now() - Math.max(lastConnection, began) < QUIET_MS && Date.now() - began < SETTLE_MS) {
            setTimeout(stopListening, QUIET_MS / 4);
            return;
          }
          // net.Server's close: stop listening, call back once every connection is gone.
          NetServer.prototype.close.call(server, () => {
            clearInterval(sweeper);
            done();
          });
        };
        // No sweep now: a request already in a kept-alive connection's buffer is read (and
        // so in flight) in the next turn of the event loop, before the first sweep.
        setTimeout(stopListening, QUIET_MS / 4);
      });
    },
  };
}

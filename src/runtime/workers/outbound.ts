// The outbound client on Cloudflare Workers. What the platform's fetch already prevents:
// a deployed Worker cannot fetch an IP address, only a host name (Cloudflare's "Known
// issues": subrequests go to URLs, not IP addresses), and custom ports are ignored; names
// are resolved by Cloudflare's DNS and the connection leaves from Cloudflare's edge, which
// is on none of the operator's networks, so there is no loopback, metadata endpoint or LAN
// of Trove's host to reach. Self-hosted workerd's default "internet" network connects only
// to publicly routable addresses and filters DNS answers the same way (workerd.capnp,
// Network.allow = ["public"]). `wrangler dev` / Miniflare allow private addresses. Workers
// have no DNS API to vet answers, so the shared URL policy runs before every request, then
// one fetch with redirect: 'manual', a deadline, and a capped body.
import { OutboundFailed } from '../../errors.ts';
import type { Outbound } from '../../features/outbound/outbound.ts';
import { outboundUrlProblem } from '../../features/outbound/url-policy.ts';

export function createWorkerOutbound(opts: { allowPrivate: boolean }): Outbound {
  return {
    async request(req) {
      const problem = outboundUrlProblem(req.url, opts.allowPrivate);
      if (problem) throw new OutboundFailed('refused', `URL refused: ${problem}`);
      const signal = AbortSignal.timeout(req.timeoutMs);
      let res: Response;
      try {
        res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, redirect: 'manual', signal });
      } catch (err) {
        if (signal.aborted) throw new OutboundFailed('timeout', 'timed out');
        throw new OutboundFailed('network', 'connection failed', err instanceof Error ? err.message : String(err));
      }
      if (req.maxBytes === 0 || !res.body) {
        await res.body?.cancel().catch(() => {});
        return { status: res.status, body: new Uint8Array(0) };
      }
      return { status: res.status, body: await readCapped(res.body, req.maxBytes, signal) };
    },
  };
}

async function readCapped(stream: ReadableStream<Uint8Array>, max: number, signal: AbortSignal): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) throw new OutboundFailed('too-large', 'response too large', `more than ${max} bytes`);
      chunks.push(value);
    }
  } catch (err) {
    await reader.cancel().catch(() => {});
    if (err instanceof OutboundFailed) throw err;
    throw signal.aborted ? new OutboundFailed('timeout', 'timed out') : new OutboundFailed('network', 'connection failed', String(err));
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

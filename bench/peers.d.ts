// Just enough typing for the two benchmark-only packages that ship none.
declare module 'autocannon' {
  namespace autocannon {
    type Request = { method?: string; path?: string; headers?: Record<string, string>; body?: string };
    type Histogram = { average: number; p50: number; p99: number; max: number };
    type Result = { requests: Histogram; latency: Histogram; non2xx: number; errors: number };
    type Options = { url: string; connections: number; duration: number; requests?: (Request & { setupRequest?: (req: Request) => Request })[] };
  }
  function autocannon(opts: autocannon.Options, done: (err: Error | null, result: autocannon.Result) => void): unknown;
  export default autocannon;
}

declare module 'oidc-provider' {
  // biome-ignore lint/suspicious/noExplicitAny: oidc-provider ships no types; the bench only constructs it and mounts its callback.
  const Provider: any;
  export default Provider;
}

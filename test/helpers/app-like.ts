// What the test helpers need of an app: Hono's request() in process, or fetch() against a
// real server (live-server.ts's asApp) — any app, whatever its environment type.
export type AppLike = { request(input: string, init?: RequestInit): Response | Promise<Response> };

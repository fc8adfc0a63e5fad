// The webhook dispatcher on Workers: one Durable Object per installation (named
// "webhooks") whose alarm stays set to the time the next delivery is due, so retries go
// out on the backoff schedule (about 1 s, 2 s, 4 s …) instead of on the next cron run.
// A request that queued deliveries wakes it (alarm now); alarm() delivers what is due,
// then sets the alarm to the earliest pending next_attempt_at. The platform runs one
// alarm() at a time per object; the cron's safety-net run may overlap it, and the
// delivery claim (dispatch.ts) keeps the two from sending one delivery twice.
// A plain class (fetch + alarm), not the RPC base class, so Node's type check needs no
// Workers types; its state holds nothing but the alarm.
import { systemClock } from '../../clock.ts';
import { deliverDue } from '../../features/webhooks/dispatch.ts';
import { nextDueAt } from '../../features/webhooks/next-due.ts';
import { ready, type WorkerEnv } from './worker-deps.ts';

const NAME = 'webhooks';
// One alarm run delivers for at most this long, then hands over to a fresh alarm at once
// (an alarm's wall time is limited; a backlog must not be cut off mid-delivery).
const RUN_BUDGET_MS = 60_000;
// When D1 itself failed, the next try (the dispatcher never throws: a thrown alarm is retried by the platform without our schedule).
const RETRY_MS = 5_000;

type AlarmStorage = { getAlarm(): Promise<number | null>; setAlarm(at: number): Promise<void> };
type DispatcherStub = { fetch(url: string, init?: RequestInit): Promise<Response> };
export type DispatcherNamespace = { idFromName(name: string): unknown; get(id: unknown): DispatcherStub };

/** Asks the installation's dispatcher to run at `at` (default now), unless it already runs sooner. */
export async function wakeDispatcher(ns: DispatcherNamespace, at?: number): Promise<void> {
  const query = at === undefined ? '' : `?at=${Math.floor(at)}`;
  const res = await ns.get(ns.idFromName(NAME)).fetch(`https://dispatcher/wake${query}`, { method: 'POST' });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`the webhook dispatcher answered ${res.status}`);
}

export class WebhookDispatcher {
  private readonly storage: AlarmStorage;
  private readonly env: WorkerEnv;

  constructor(state: { storage: AlarmStorage }, env: WorkerEnv) {
    this.storage = state.storage;
    this.env = env;
  }

  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (request.method !== 'POST' || url.pathname !== '/wake') return new Response(null, { status: 404 });
    const at = Number(url.searchParams.get('at') ?? systemClock.now());
    await this.armBy(Number.isFinite(at) ? at : systemClock.now());
    return new Response(null, { status: 204 });
  }

  async alarm(): Promise<void> {
    const { deps } = await ready(this.env);
    const started = deps.clock.now();
    let again: number | null = null;
    try {
      while ((await deliverDue(deps)) > 0) {
        if (deps.clock.now() - started >= RUN_BUDGET_MS) {
          again = deps.clock.now();
          break;
        }
      }
    } catch (err) {
      deps.log.error('webhook dispatcher failed; will retry', { error: String(err) });
      again = deps.clock.now() + RETRY_MS;
    }
    let next: number | null;
    try {
      next = await nextDueAt(deps);
    } catch (err) {
      deps.log.error('webhook dispatcher could not read the next due time; will retry', { error: String(err) });
      next = deps.clock.now() + RETRY_MS;
    }
    const at = again === null ? next : next === null ? again : Math.min(again, next);
    if (at !== null) await this.armBy(Math.max(at, deps.clock.now()));
  }

  // While alarm() runs, getAlarm() is null unless a wake set one since: the earlier time wins.
  private async armBy(at: number): Promise<void> {
    const current = await this.storage.getAlarm();
    if (current === null || current > at) await this.storage.setAlarm(at);
  }
}

// Who is signed in: the consumer (GET /api/me) or the auditor (GET /api/auditor/me), as a
// small shared store; signing in or out updates every page that reads it.
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, setCsrfToken } from './api.ts';
import type { AuditorMe, Me } from './types.ts';

export type SessionState<T> = { status: 'loading' } | { status: 'out' } | { status: 'in'; me: T };

function store<T extends { csrf_token: string }>(path: string) {
  let state: SessionState<T> = { status: 'loading' };
  let pending: Promise<void> | null = null;
  const listeners = new Set<() => void>();
  const set = (s: SessionState<T>) => {
    state = s;
    if (s.status === 'in') setCsrfToken(s.me.csrf_token);
    for (const l of listeners) l();
  };
  const refresh = (): Promise<void> => {
    pending ??= api<T>(path)
      .then((me) => set({ status: 'in', me }))
      .catch((err) => {
        if (err instanceof ApiError && (err.status === 401 || err.status === 403)) set({ status: 'out' });
        else throw err;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  };
  const use = (): SessionState<T> => {
    const [, tick] = useState(0);
    useEffect(() => {
      const l = () => tick((n) => n + 1);
      listeners.add(l);
      if (state.status === 'loading') void refresh().catch(() => set({ status: 'out' }));
      return () => void listeners.delete(l);
    }, []);
    return state;
  };
  return { use, refresh, signedOut: () => set({ status: 'out' }), get: () => state };
}

export const consumerSession = store<Me>('/api/me');
export const auditorSession = store<AuditorMe>('/api/auditor/me');

/**
 * One cookie holds either kind of session. Before signing in as the other kind, learn the
 * current session's CSRF token (if there is one) so the sign-in may replace it.
 */
export function adoptCsrfToken(from: { get(): { status: string }; refresh(): Promise<void> }) {
  if (from.get().status !== 'in') void from.refresh().catch(() => undefined);
}

export async function signOut() {
  await api('/api/session/logout', { method: 'POST' }).catch(() => undefined);
  setCsrfToken(null);
  consumerSession.signedOut();
  auditorSession.signedOut();
}

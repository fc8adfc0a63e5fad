// A small history router: the current path and query as a hook, navigate(), and one
// click handler that keeps same-origin links to portal pages inside the app.
import { useEffect, useState } from 'preact/hooks';
import { isPortalPath } from '../../src/http/portal-paths.ts';

export type Location = { path: string; query: URLSearchParams; hash: string };

const listeners = new Set<() => void>();
let navigated = false;

const read = (): Location => ({ path: location.pathname, query: new URLSearchParams(location.search), hash: location.hash.slice(1) });

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  history[opts.replace ? 'replaceState' : 'pushState'](null, '', to);
  navigated = true;
  for (const l of listeners) l();
  window.scrollTo(0, 0);
}

/** True once the visitor has moved inside the app (so pages move focus to their heading). */
export const hasNavigated = () => navigated;

export function useLocation(): Location {
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const update = () => setLoc(read());
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return loc;
}

addEventListener('popstate', () => {
  navigated = true;
  for (const l of listeners) l();
});

document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin || !isPortalPath(a.pathname)) return;
  e.preventDefault();
  navigate(a.pathname + a.search + a.hash);
});

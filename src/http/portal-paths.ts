// The portal's page paths, shared by the server (which answers them with the portal's
// index.html, so deep links such as /grants/{id} or /consent?request=… load the app) and
// the portal's router. Anything else stays a 404 from the API.
export const PORTAL_SECTIONS = ['signin', 'consent', 'profile', 'intents', 'grants', 'activity', 'value', 'settings', 'auditor'] as const;

const PAGE = new RegExp(`^/(?:(?:${PORTAL_SECTIONS.join('|')})(?:/[A-Za-z0-9_-]{1,100}){0,2}/?)?$`);

export function isPortalPath(path: string): boolean {
  return PAGE.test(path);
}

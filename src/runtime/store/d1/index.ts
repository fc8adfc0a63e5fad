// The Cloudflare D1 store, as the Worker sees it.
export { createD1Store, type D1Like } from './store.ts';

// The demo shop's page frame and style: server-rendered HTML with no inline script or
// style (the shop's CSP forbids both), in the shop's own colour so two shops side by side
// are told apart at a glance. Every value shown goes through esc().
import type { Shop } from '../src/features/operators/demo-shops.ts';

export const when = (iso: string) => `${iso.slice(0, 19).replace('T', ' ')} UTC`;
export const esc = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A profile value in words: lists joined, objects as "key: value". */
export const show = (v: unknown) =>
  typeof v === 'string'
    ? v
    : Array.isArray(v)
      ? v.join(', ')
      : v && typeof v === 'object'
        ? Object.entries(v)
            .map(([k, x]) => `${k}: ${x}`)
            .join(', ')
        : String(v);

export const page = (
  shop: Shop,
  body: string,
) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(shop.name)}</title><link rel="stylesheet" href="/style.css"></head><body><header><h1>${esc(shop.name)}</h1><p>${esc(shop.tagline)}</p></header><main>${body}</main></body></html>`;

export const style = (
  shop: Shop,
) => `:root{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;background:#fbfaf7;line-height:1.5;--accent:${shop.colour}}
body{margin:0 auto;max-width:40rem;padding:1rem}header{border-bottom:2px solid var(--accent);margin-bottom:1rem}h1{margin:.2rem 0;color:var(--accent)}
button{font:inherit;padding:.6rem 1rem;border-radius:.4rem;border:0;background:var(--accent);color:#fff;cursor:pointer}button:focus-visible{outline:3px solid #e0a526;outline-offset:2px}
table{border-collapse:collapse}th,td{text-align:left;padding:.3rem .8rem .3rem 0}.notice{background:#fff4d6;padding:.6rem;border-radius:.4rem}.error{background:#fde8e8;padding:.6rem;border-radius:.4rem}`;

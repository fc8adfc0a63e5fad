// The frame around every page: a skip link, the header with the main navigation (the
// current page marked for screen readers), the main landmark and a short footer.
import type { ComponentChildren } from 'preact';

export type NavItem = { href: string; label: string };

export function Shell(props: {
  home: string;
  product: string;
  nav: NavItem[];
  path: string;
  onSignOut?: () => void;
  footer: string;
  children: ComponentChildren;
  /** Wider frame, for tables (the audit log) that need the whole of a laptop screen. */
  wide?: boolean;
}) {
  const under = (href: string) => (href === props.home ? props.path === href : props.path === href || props.path.startsWith(`${href}/`));
  // The most specific item the path is under (/profile/terms is My terms, not Profile).
  const here = props.nav.filter((n) => under(n.href)).sort((a, b) => b.href.length - a.href.length)[0]?.href;
  const current = (href: string) => href === here;
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="site-header">
        <div class={props.wide ? 'header-inner frame-wide' : 'header-inner'}>
          <a class="logo" href={props.home}>
            <svg class="logo-mark" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <path d="M4 9l8-5 8 5v9a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2z" />
              <path d="M9 20v-6h6v6" />
            </svg>
            <span>{props.product}</span>
          </a>
          {props.onSignOut ? (
            <button type="button" class="btn btn-link sign-out" onClick={props.onSignOut}>
              Sign out
            </button>
          ) : null}
        </div>
        {props.nav.length ? (
          <nav class="site-nav" aria-label="Main">
            <ul>
              {props.nav.map((n) => (
                <li key={n.href}>
                  <a href={n.href} aria-current={current(n.href) ? 'page' : undefined}>
                    {n.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
      </header>
      <main id="main" tabIndex={-1} class={props.wide ? 'frame-wide' : undefined}>
        {props.children}
      </main>
      <footer class="site-footer">
        <p>{props.footer}</p>
      </footer>
    </>
  );
}

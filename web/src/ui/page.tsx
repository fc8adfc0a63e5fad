// A page: sets the document title and, after an in-app navigation, moves focus to the
// page's heading so keyboard and screen-reader users land on the new content.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { hasNavigated } from '../router.ts';

export function Page(props: { title: string; heading?: ComponentChildren; lead?: ComponentChildren; children?: ComponentChildren; wide?: boolean }) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${props.title} · Trove`;
  }, [props.title]);
  useEffect(() => {
    if (hasNavigated()) h1.current?.focus();
  }, []);
  return (
    <div class={props.wide ? 'page page-wide' : 'page'}>
      <h1 ref={h1} tabIndex={-1}>
        {props.heading ?? props.title}
      </h1>
      {props.lead ? <p class="lead">{props.lead}</p> : null}
      {props.children}
    </div>
  );
}

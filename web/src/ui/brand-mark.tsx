// A brand's logo, or its initial when it has none or the logo is not served over https
// (the portal's Content-Security-Policy loads images from https and Trove itself only).
import type { BrandRef } from '../types.ts';

export function BrandMark(props: { brand: BrandRef; size?: 'small' | 'large' }) {
  const { logo_uri, name } = props.brand;
  const cls = `brand-mark brand-mark-${props.size ?? 'small'}`;
  if (logo_uri && /^https:\/\//i.test(logo_uri)) return <img class={cls} src={logo_uri} alt="" referrerpolicy="no-referrer" />;
  return (
    <span class={cls} aria-hidden="true">
      {name.trim().charAt(0).toUpperCase() || '?'}
    </span>
  );
}

// Parses IP address text into bytes (4 for IPv4, 16 for IPv6) so the outbound policy
// compares numbers, never strings: every IPv6 spelling (compressed, embedded IPv4, upper
// case, brackets) lands on the same bytes. Pure (no node: imports) so Workers can use it.

/** Strict dotted quad: four decimal parts 0–255 without leading zeros ("010" could mean octal). */
export function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return null;
    out[i] = Number(part);
  }
  return out;
}

/** RFC 4291 §2.2 text forms. Zone ids ("fe80::1%eth0") are refused: they name an interface of this host. */
export function parseIPv6(text: string): Uint8Array | null {
  if (text.includes('%')) return null;
  let s = text.toLowerCase();
  let embedded: Uint8Array | null = null;
  const lastColon = s.lastIndexOf(':');
  if (lastColon < 0) return null;
  if (s.slice(lastColon + 1).includes('.')) {
    // The last 32 bits written as an IPv4 address ("::ffff:127.0.0.1"): parse them as two groups.
    embedded = parseIPv4(s.slice(lastColon + 1));
    if (!embedded) return null;
    s = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  const count = head.length + tail.length;
  // Without "::" there must be eight groups; with it, "::" stands for at least one.
  if (halves.length === 1 ? count !== 8 : count > 7) return null;
  const all = [...head, ...new Array<string>(8 - count).fill('0'), ...tail];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const g = all[i]!;
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  }
  if (embedded) out.set(embedded, 12);
  return out;
}

/** An IPv4 or IPv6 literal, brackets allowed (as in a URL's host); null when it is not one. */
export function parseIp(text: string): Uint8Array | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (bare.includes(':')) return parseIPv6(bare);
  return bare === text ? parseIPv4(bare) : null;
}

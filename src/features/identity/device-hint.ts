// A session's device hint for the sessions list: browser and OS read coarsely from the
// User-Agent ("Firefox on Linux"). The raw header is never stored: it is long, spoofable
// and a fingerprint; the hint is enough to tell one's own devices apart.

const BROWSERS: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(HeadlessChrome|Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];

const SYSTEMS: [RegExp, string][] = [
  [/\biPad\b/, 'iPadOS'],
  [/\b(iPhone|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

export const DEVICE_HINT_MAX = 60;

/** "Browser on OS", either part alone, or null when the header says nothing useful. */
export function deviceHint(userAgent: string | undefined | null): string | null {
  if (!userAgent) return null;
  const ua = userAgent.slice(0, 512); // enough for any real browser; bounds the regex work
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1];
  const hint = browser && system ? `${browser} on ${system}` : (browser ?? system ?? null);
  return hint ? hint.slice(0, DEVICE_HINT_MAX) : null;
}

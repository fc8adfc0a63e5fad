// ISO 8601 durations as brands state them (P180D, P1Y6M, PT12H): parsed to milliseconds
// with calendar units approximated (a year is 365 days, a month 30), which is what a
// consent screen and an expiry date need.
const PATTERN = /^P(?!$)(?:(\d{1,4})Y)?(?:(\d{1,4})M)?(?:(\d{1,4})W)?(?:(\d{1,5})D)?(?:T(?!$)(?:(\d{1,6})H)?(?:(\d{1,7})M)?(?:(\d{1,9})S)?)?$/;
const DAY = 24 * 3600_000;

export function parseDuration(text: string): number | null {
  const m = PATTERN.exec(text);
  if (!m) return null;
  const [y, mo, w, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number, number];
  return (y * 365 + mo * 30 + w * 7 + d) * DAY + h * 3600_000 + mi * 60_000 + s * 1000;
}

/** Plain words for the consent screen: "180 days", "1 year". */
export function describeDuration(ms: number): string {
  const days = Math.round(ms / DAY);
  if (days >= 365 && days % 365 === 0) return days === 365 ? '1 year' : `${days / 365} years`;
  if (days >= 1) return days === 1 ? '1 day' : `${days} days`;
  const hours = Math.round(ms / 3600_000);
  if (hours >= 1) return hours === 1 ? '1 hour' : `${hours} hours`;
  const minutes = Math.max(1, Math.round(ms / 60_000));
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

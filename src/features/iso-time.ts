// How every API answer gives a time: an ISO-8601 string in UTC (storage keeps epoch
// milliseconds). Brands, consumers and auditors see the same fact in the same form.

export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : iso(ms));

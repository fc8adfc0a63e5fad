// Shared rate-limit windows are fixed and aligned to the epoch (a minute for most classes),
// so a real-clock test that spends a budget must not straddle a window's end, or the count
// starts over halfway. This waits until at least `needMs` remain in the current window.
export async function awayFromWindowEdge(needMs = 10_000, windowMs = 60_000): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 50));
}

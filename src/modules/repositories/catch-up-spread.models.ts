/**
 * Where in the catch-up window an installation starts: the same offset every day, so each installation is
 * caught up about 24 hours after the last time, and installations spread evenly instead of all at the cron
 * time. Fibonacci hashing scatters neighbouring ids (installations are numbered in order of creation).
 */
export function catchUpOffsetMs(installationId: number, windowMs: number): number {
  if (windowMs <= 0) return 0;
  const hashed = Math.imul((installationId % 2 ** 32) >>> 0, 2_654_435_761) >>> 0;
  return Math.floor((hashed / 2 ** 32) * windowMs);
}

/** The nearest-rank percentile of values sorted ascending: `fraction` 0.99 is the p99. */
export const percentile = (sorted: number[], fraction: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;

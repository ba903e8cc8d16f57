/** A fixed-window counter per key, kept in memory by the server that created it. */
export interface RateLimiter {
  /** Counts one hit; returns how many seconds to wait when over the limit, else null. */
  hit: (key: string, now: Date) => number | null;
}

export function createRateLimiter(options: { limit: number; windowMs: number; maxKeys?: number }): RateLimiter {
  const windows = new Map<string, { startedAt: number; count: number }>();
  const maxKeys = options.maxKeys ?? 10_000;
  return {
    hit(key, now) {
      const t = now.getTime();
      let entry = windows.get(key);
      if (!entry || t - entry.startedAt >= options.windowMs) {
        // Forget expired windows before the map grows without bound under many distinct clients.
        if (windows.size >= maxKeys) {
          for (const [k, e] of windows) if (t - e.startedAt >= options.windowMs) windows.delete(k);
          if (windows.size >= maxKeys) windows.delete(windows.keys().next().value as string);
        }
        entry = { startedAt: t, count: 0 };
        windows.set(key, entry);
      }
      entry.count += 1;
      if (entry.count <= options.limit) return null;
      return Math.max(1, Math.ceil((entry.startedAt + options.windowMs - t) / 1000));
    },
  };
}

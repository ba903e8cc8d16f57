import type { Database } from "../../db/client.js";
import { countHit, purgeOldWindows, readHits } from "./rate-limits.repository.js";

/** A fixed-window limit shared by every instance on the database. Answers are seconds to wait, or null. */
export interface RateLimiter {
  /** Counts one hit; the wait when that goes over the limit. */
  hit: (key: string) => Promise<number | null>;
  /** The wait if the key is already at the limit, counting nothing. */
  blocked: (key: string) => Promise<number | null>;
}

export function createRateLimiter(options: {
  db: Database;
  bucket: string;
  limit: number;
  windowMs: number;
  now: () => Date;
}): RateLimiter {
  const { db, bucket, limit, windowMs } = options;
  const wait = (windowStart: Date, now: Date) =>
    Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000));
  return {
    async hit(key) {
      const now = options.now();
      const row = await countHit(db, { bucket, key, now, windowMs });
      // A new window is the moment to forget windows that ended an hour ago.
      if (row.hits === 1) await purgeOldWindows(db, new Date(now.getTime() - windowMs - 3_600_000));
      return row.hits > limit ? wait(row.windowStart, now) : null;
    },
    async blocked(key) {
      const now = options.now();
      const row = await readHits(db, { bucket, key, now, windowMs });
      return row && row.hits >= limit ? wait(row.windowStart, now) : null;
    },
  };
}

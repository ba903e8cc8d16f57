import { and, eq, lt, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { rateLimits } from "./rate-limits.table.js";

/**
 * Counts one hit in the key's current window, starting a new window when the last one is over, in
 * one statement so concurrent instances never lose a hit. Returns the window's start and its hits.
 */
export async function countHit(
  db: Database,
  options: { bucket: string; key: string; now: Date; windowMs: number },
): Promise<{ windowStart: Date; hits: number }> {
  const { bucket, key, now, windowMs } = options;
  const expired = sql`${rateLimits.windowStart} <= ${new Date(now.getTime() - windowMs)}`;
  const [row] = await db
    .insert(rateLimits)
    .values({ bucket, key, windowStart: now, hits: 1 })
    .onConflictDoUpdate({
      target: [rateLimits.bucket, rateLimits.key],
      set: {
        hits: sql`CASE WHEN ${expired} THEN 1 ELSE ${rateLimits.hits} + 1 END`,
        windowStart: sql`CASE WHEN ${expired} THEN excluded.window_start ELSE ${rateLimits.windowStart} END`,
      },
    })
    .returning({ windowStart: rateLimits.windowStart, hits: rateLimits.hits });
  return row!;
}

/** The hits in the key's current window, without counting one. */
export async function readHits(
  db: Database,
  options: { bucket: string; key: string; now: Date; windowMs: number },
): Promise<{ windowStart: Date; hits: number } | undefined> {
  const [row] = await db
    .select({ windowStart: rateLimits.windowStart, hits: rateLimits.hits })
    .from(rateLimits)
    .where(and(eq(rateLimits.bucket, options.bucket), eq(rateLimits.key, options.key)));
  if (!row || row.windowStart.getTime() <= options.now.getTime() - options.windowMs) return undefined;
  return row;
}

/** Forgets windows that ended long ago. */
export async function purgeOldWindows(db: Database, before: Date): Promise<void> {
  await db.delete(rateLimits).where(lt(rateLimits.windowStart, before));
}

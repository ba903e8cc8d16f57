import type pg from "pg";

/** Lock keys shared by every pr-sync process; any fixed numbers work as long as they never change. */
export const LOCK_KEYS = { schema: 7_243_001 } as const;

/** Runs `fn` while holding a session advisory lock, so concurrent processes take turns. */
export async function withAdvisoryLock<T>(
  pool: pg.Pool,
  key: number,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [key]);
    try {
      return await fn(client);
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [key]);
    }
  } finally {
    client.release();
  }
}

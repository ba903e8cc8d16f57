import pg from "pg";

/**
 * The one pg pool of a process, shared by Drizzle and Agenda. `min` connections stay open when idle: without
 * them, every request after ten quiet seconds (a webhook, most of the time) opened a connection first, and a
 * new connection costs a PostgreSQL backend, its authentication and its cold caches.
 */
export function createPool(
  connectionString: string,
  options: { max?: number; min?: number; idleTimeoutMs?: number } = {},
): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 20,
    min: options.min ?? 0,
    idleTimeoutMillis: options.idleTimeoutMs ?? 10_000,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its server (a database restart) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  return pool;
}

/** Opens `count` connections at once and returns them to the pool, so the first requests find them open. */
export async function openConnections(pool: pg.Pool, count: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: count }, () => pool.connect()));
  for (const client of clients) client.release();
}

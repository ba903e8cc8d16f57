import pg from "pg";

/** The one pg pool of a process, shared by Drizzle and Agenda. */
export function createPool(connectionString: string, options: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 20, connectionTimeoutMillis: 5_000 });
  // An idle client losing its server (a database restart) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  return pool;
}

import pg from "pg";

/**
 * What PostgreSQL reported, when `error` (or what it wraps: Drizzle keeps the driver's error as its cause) is an
 * error the database server sent: "The database failed (23505): duplicate key value …". Undefined for anything
 * else, so that a failed write is never described as GitHub's failure.
 */
export function databaseFailureMessage(error: unknown): string | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++)
    if (cause instanceof pg.DatabaseError) return `The database failed (${cause.code ?? "no code"}): ${cause.message}`;
  return undefined;
}

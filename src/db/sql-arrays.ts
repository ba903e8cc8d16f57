import { sql, type SQL } from "drizzle-orm";

/** A list of ids as one PostgreSQL bigint[] parameter (for `= ANY(...)`), however many there are. */
export function bigintArray(ids: number[]): SQL {
  return sql`${`{${ids.map((id) => Math.trunc(id)).join(",")}}`}::bigint[]`;
}

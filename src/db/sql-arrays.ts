import { sql, type SQL } from "drizzle-orm";

/**
 * One column's values as one PostgreSQL array parameter of `type` (node-postgres writes the array literal,
 * quoting and NULLs included). With one such parameter per column, `unnest` turns them back into rows: a batch
 * insert then costs one parameter per column instead of one per value, to build, to send and to parse.
 */
export function columnArray(values: unknown[], type: "bigint" | "integer" | "text" | "boolean" | "timestamptz"): SQL {
  return sql`${sql.param(values)}::${sql.raw(type)}[]`;
}

/** A list of ids as one PostgreSQL bigint[] parameter (for `= ANY(...)`), however many there are. */
export function bigintArray(ids: number[]): SQL {
  return columnArray(
    ids.map((id) => Math.trunc(id)),
    "bigint",
  );
}

import type { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";

/** What an export holds: pull requests by creation time, or reviews by submission time. */
export type ExportKind = "pull-requests" | "reviews";

interface Column {
  name: string;
  /** Timestamps leave as ISO 8601 in UTC whatever the session's time zone. */
  time?: boolean;
}

const col = (name: string): Column => ({ name });
const time = (name: string): Column => ({ name, time: true });

/** Each export reads one of the BI views, so the CSV's columns are the views' stable names. */
const exports: Record<ExportKind, { view: string; timeColumn: string; order: string; columns: Column[] }> = {
  "pull-requests": {
    view: "pr_sync_pull_requests",
    timeColumn: "created_at",
    order: "repository, number",
    columns: [
      col("repository"),
      col("number"),
      col("title"),
      col("author_login"),
      col("state"),
      col("draft"),
      col("merged"),
      time("created_at"),
      time("updated_at"),
      time("closed_at"),
      time("merged_at"),
      time("first_review_at"),
      col("cycle_hours"),
      col("additions"),
      col("deletions"),
      col("changed_files"),
      col("base_ref"),
      col("head_ref"),
      col("url"),
    ],
  },
  reviews: {
    view: "pr_sync_reviews",
    timeColumn: "submitted_at",
    order: "repository, pull_request_number, submitted_at, review_id",
    columns: [
      col("repository"),
      col("pull_request_number"),
      col("pull_request_author_login"),
      col("review_id"),
      col("reviewer_login"),
      col("state"),
      time("submitted_at"),
    ],
  },
};

const isoUtc = (name: string) => `to_char(${name} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS ${name}`;

/**
 * The COPY statement of an export. COPY takes no bind parameters, so only values that cannot carry
 * SQL reach it: a safe integer id and dates re-printed by toISOString().
 */
export function exportStatement(kind: ExportKind, installationId: number, since: Date | null, until: Date | null) {
  if (!Number.isSafeInteger(installationId)) throw new Error(`pr-sync: bad installation id ${installationId}`);
  const spec = exports[kind];
  const select = spec.columns.map((c) => (c.time ? isoUtc(c.name) : c.name)).join(", ");
  const where = [`installation_id = ${installationId}`];
  if (since) where.push(`${spec.timeColumn} >= '${since.toISOString()}'::timestamptz`);
  if (until) where.push(`${spec.timeColumn} < '${until.toISOString()}'::timestamptz`);
  return (
    `COPY (SELECT ${select} FROM ${spec.view} WHERE ${where.join(" AND ")} ORDER BY ${spec.order}) ` +
    `TO STDOUT WITH (FORMAT csv, HEADER true)`
  );
}

/**
 * Streams an export as CSV into `out` with PostgreSQL's COPY: rows flow through as PostgreSQL writes
 * them, with the socket's back-pressure, so memory stays flat however many rows there are. A connection
 * whose COPY was cut off is discarded rather than returned to the pool.
 */
export async function copyExport(
  pool: pg.Pool,
  options: { kind: ExportKind; installationId: number; since: Date | null; until: Date | null; out: Writable },
): Promise<void> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    const stream = client.query(
      copyTo(exportStatement(options.kind, options.installationId, options.since, options.until)),
    );
    await pipeline(stream, options.out);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    throw error;
  } finally {
    client.release(failure);
  }
}

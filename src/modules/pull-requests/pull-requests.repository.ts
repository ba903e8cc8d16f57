import { inArray, sql, type SQL } from "drizzle-orm";
import type { DbExecutor as Database } from "../../db/client.js";
import { columnArray } from "../../db/sql-arrays.js";
import type { PullRequestInsert, ReviewInsert } from "./pull-requests.mapper.js";
import { pullRequests, reviews } from "./pull-requests.table.js";

type ColumnType = Parameters<typeof columnArray>[1];
type Columns<Row> = [name: string, type: ColumnType, pick: (row: Row) => unknown][];

const PULL_REQUEST_COLUMNS: Columns<PullRequestInsert> = [
  ["id", "bigint", (r) => r.id],
  ["repository_id", "bigint", (r) => r.repositoryId],
  ["number", "integer", (r) => r.number],
  ["title", "text", (r) => r.title],
  ["author_login", "text", (r) => r.authorLogin],
  ["author_id", "bigint", (r) => r.authorId],
  ["author_type", "text", (r) => r.authorType],
  ["state", "text", (r) => r.state],
  ["draft", "boolean", (r) => r.draft ?? false],
  ["merged", "boolean", (r) => r.merged ?? false],
  ["created_at", "timestamptz", (r) => r.createdAt],
  ["updated_at", "timestamptz", (r) => r.updatedAt],
  ["closed_at", "timestamptz", (r) => r.closedAt],
  ["merged_at", "timestamptz", (r) => r.mergedAt],
  ["additions", "integer", (r) => r.additions],
  ["deletions", "integer", (r) => r.deletions],
  ["changed_files", "integer", (r) => r.changedFiles],
  ["base_ref", "text", (r) => r.baseRef],
  ["head_ref", "text", (r) => r.headRef],
  ["url", "text", (r) => r.url],
];

const REVIEW_COLUMNS: Columns<ReviewInsert> = [
  ["id", "bigint", (r) => r.id],
  ["pull_request_id", "bigint", (r) => r.pullRequestId],
  ["reviewer_login", "text", (r) => r.reviewerLogin],
  ["reviewer_id", "bigint", (r) => r.reviewerId],
  ["state", "text", (r) => r.state],
  ["submitted_at", "timestamptz", (r) => r.submittedAt],
];

/**
 * `INSERT INTO table AS alias (columns…, synced_at) SELECT … FROM unnest(one array per column)`: the rows as
 * one parameter per column, stamped with one sync time. Drizzle's insert would bind every value on its own,
 * and building that statement for a page of pull requests cost more CPU than anything else in a sync.
 */
function insertRows<Row>(table: string, alias: string, columns: Columns<Row>, rows: Row[]): SQL {
  const names = sql.raw(columns.map(([name]) => name).join(", "));
  const arrays = sql.join(
    columns.map(([, type, pick]) =>
      columnArray(
        rows.map((row) => pick(row) ?? null),
        type,
      ),
    ),
    sql`, `,
  );
  return sql`INSERT INTO ${sql.raw(table)} AS ${sql.raw(alias)} (${names}, synced_at)
    SELECT u.*, ${new Date()}::timestamptz FROM unnest(${arrays}) AS u`;
}

/**
 * Upserts pull requests. A row only changes when the incoming `updated_at` is not older than the
 * stored one, so a late webhook or an old backfill page never moves data backwards. Returns the ids
 * whose row was written.
 */
export async function upsertPullRequests(db: Database, rows: PullRequestInsert[]): Promise<number[]> {
  const statement = pullRequestsUpsert(rows);
  if (!statement) return [];
  const written = await db.execute<{ id: string }>(statement);
  return written.rows.map((r) => Number(r.id));
}

/** The statement of upsertPullRequests (returning the ids written); undefined for no rows. */
export function pullRequestsUpsert(rows: PullRequestInsert[]): SQL | undefined {
  if (rows.length === 0) return undefined;
  return sql`
    ${insertRows("pull_requests", "p", PULL_REQUEST_COLUMNS, rows)}
    ON CONFLICT (id) DO UPDATE SET
      repository_id = excluded.repository_id, number = excluded.number, title = excluded.title,
      author_login = excluded.author_login, author_id = excluded.author_id, author_type = excluded.author_type,
      state = excluded.state, draft = excluded.draft, merged = excluded.merged, created_at = excluded.created_at,
      updated_at = excluded.updated_at, closed_at = excluded.closed_at, merged_at = excluded.merged_at,
      -- Some payloads (list items, review webhooks) carry no counts: keep what is known.
      additions = coalesce(excluded.additions, p.additions), deletions = coalesce(excluded.deletions, p.deletions),
      changed_files = coalesce(excluded.changed_files, p.changed_files),
      base_ref = excluded.base_ref, head_ref = excluded.head_ref, url = excluded.url, synced_at = excluded.synced_at
    WHERE p.updated_at <= excluded.updated_at
    RETURNING p.id`;
}

/** Upserts reviews. A dismissal is final on GitHub, so an older snapshot never turns it back. */
export async function upsertReviews(db: Database, rows: ReviewInsert[]): Promise<number> {
  const statement = reviewsUpsert(rows);
  if (!statement) return 0;
  const written = await db.execute(statement);
  return written.rowCount ?? 0;
}

/** The statement of upsertReviews; undefined for no rows. */
export function reviewsUpsert(rows: ReviewInsert[]): SQL | undefined {
  if (rows.length === 0) return undefined;
  return sql`
    ${insertRows("reviews", "r", REVIEW_COLUMNS, rows)}
    ON CONFLICT (id) DO UPDATE SET
      pull_request_id = excluded.pull_request_id, reviewer_login = excluded.reviewer_login,
      reviewer_id = excluded.reviewer_id,
      state = CASE WHEN r.state = 'DISMISSED' THEN r.state ELSE excluded.state END,
      submitted_at = coalesce(excluded.submitted_at, r.submitted_at), synced_at = excluded.synced_at`;
}

/**
 * Whether review `r` of pull request `p` is by someone other than its author: a review is the author's own
 * when the ids match, or the logins match where an id is missing; a review by a deleted account counts.
 */
export const isPeerReview = (r: SQL, p: SQL) =>
  sql`NOT COALESCE(${r}.reviewer_id = ${p}.author_id, ${r}.reviewer_login = ${p}.author_login, false)`;

/** Recomputes first_review_at of the given pull requests: the earliest submitted peer review. */
export async function refreshFirstReviewAt(db: Database, pullRequestIds: number[]): Promise<void> {
  const statement = firstReviewAtRefresh(pullRequestIds);
  if (statement) await db.execute(statement);
}

/** The statement of refreshFirstReviewAt; undefined for no pull requests. */
export function firstReviewAtRefresh(pullRequestIds: number[]): SQL | undefined {
  if (pullRequestIds.length === 0) return undefined;
  return sql`
    UPDATE ${pullRequests} AS pr
       SET first_review_at = (
         SELECT min(r.submitted_at) FROM ${reviews} r
          WHERE r.pull_request_id = pr.id AND r.submitted_at IS NOT NULL AND ${isPeerReview(sql`r`, sql`pr`)})
     WHERE pr.id IN (${sql.join(
       pullRequestIds.map((id) => sql`${id}`),
       sql`, `,
     )})`;
}

/** Stored updated_at of the given pull requests, to tell which ones a page brings unchanged. */
export async function storedUpdatedAt(db: Database, ids: number[]): Promise<Map<number, Date>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: pullRequests.id, updatedAt: pullRequests.updatedAt })
    .from(pullRequests)
    .where(inArray(pullRequests.id, ids));
  return new Map(rows.map((r) => [r.id, r.updatedAt]));
}

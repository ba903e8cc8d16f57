import { inArray, sql, type SQL } from "drizzle-orm";
import type { DbExecutor as Database } from "../../db/client.js";
import type { PullRequestInsert, ReviewInsert } from "./pull-requests.mapper.js";
import { pullRequests, reviews } from "./pull-requests.table.js";

/**
 * Upserts pull requests. A row only changes when the incoming `updated_at` is not older than the
 * stored one, so a late webhook or an old backfill page never moves data backwards. Returns the ids
 * whose row was written.
 */
export async function upsertPullRequests(db: Database, rows: PullRequestInsert[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const written = await db
    .insert(pullRequests)
    .values(rows.map((r) => ({ ...r, syncedAt: new Date() })))
    .onConflictDoUpdate({
      target: pullRequests.id,
      set: {
        repositoryId: sql`excluded.repository_id`,
        number: sql`excluded.number`,
        title: sql`excluded.title`,
        authorLogin: sql`excluded.author_login`,
        authorId: sql`excluded.author_id`,
        authorType: sql`excluded.author_type`,
        state: sql`excluded.state`,
        draft: sql`excluded.draft`,
        merged: sql`excluded.merged`,
        createdAt: sql`excluded.created_at`,
        updatedAt: sql`excluded.updated_at`,
        closedAt: sql`excluded.closed_at`,
        mergedAt: sql`excluded.merged_at`,
        // Some payloads (list items, review webhooks) carry no counts: keep what is known.
        additions: sql`coalesce(excluded.additions, ${pullRequests.additions})`,
        deletions: sql`coalesce(excluded.deletions, ${pullRequests.deletions})`,
        changedFiles: sql`coalesce(excluded.changed_files, ${pullRequests.changedFiles})`,
        baseRef: sql`excluded.base_ref`,
        headRef: sql`excluded.head_ref`,
        url: sql`excluded.url`,
        syncedAt: sql`excluded.synced_at`,
      },
      setWhere: sql`${pullRequests.updatedAt} <= excluded.updated_at`,
    })
    .returning({ id: pullRequests.id });
  return written.map((r) => r.id);
}

/** Upserts reviews. A dismissal is final on GitHub, so an older snapshot never turns it back. */
export async function upsertReviews(db: Database, rows: ReviewInsert[]): Promise<number> {
  if (rows.length === 0) return 0;
  const written = await db
    .insert(reviews)
    .values(rows.map((r) => ({ ...r, syncedAt: new Date() })))
    .onConflictDoUpdate({
      target: reviews.id,
      set: {
        pullRequestId: sql`excluded.pull_request_id`,
        reviewerLogin: sql`excluded.reviewer_login`,
        reviewerId: sql`excluded.reviewer_id`,
        state: sql`CASE WHEN ${reviews.state} = 'DISMISSED' THEN ${reviews.state} ELSE excluded.state END`,
        submittedAt: sql`coalesce(excluded.submitted_at, ${reviews.submittedAt})`,
        syncedAt: sql`excluded.synced_at`,
      },
    })
    .returning({ id: reviews.id });
  return written.length;
}

/**
 * Whether review `r` of pull request `p` is by someone other than its author: a review is the author's own
 * when the ids match, or the logins match where an id is missing; a review by a deleted account counts.
 */
export const isPeerReview = (r: SQL, p: SQL) =>
  sql`NOT COALESCE(${r}.reviewer_id = ${p}.author_id, ${r}.reviewer_login = ${p}.author_login, false)`;

/** Recomputes first_review_at of the given pull requests: the earliest submitted peer review. */
export async function refreshFirstReviewAt(db: Database, pullRequestIds: number[]): Promise<void> {
  if (pullRequestIds.length === 0) return;
  await db.execute(sql`
    UPDATE ${pullRequests} AS pr
       SET first_review_at = (
         SELECT min(r.submitted_at) FROM ${reviews} r
          WHERE r.pull_request_id = pr.id AND r.submitted_at IS NOT NULL AND ${isPeerReview(sql`r`, sql`pr`)})
     WHERE pr.id IN (${sql.join(
       pullRequestIds.map((id) => sql`${id}`),
       sql`, `,
     )})`);
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

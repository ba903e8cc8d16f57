import type { Database } from "../../db/client.js";
import { toPullRequestRow, toReviewRow, type RestPullRequest, type RestReview } from "./pull-requests.mapper.js";
import { refreshFirstReviewAt, upsertPullRequests, upsertReviews } from "./pull-requests.repository.js";

export interface IngestResult {
  /** False when the stored row was newer than the incoming one and stayed as it was. */
  pullRequestWritten: boolean;
  reviewWritten?: boolean;
}

/** Applies a pull request from a webhook. */
export async function ingestPullRequest(options: {
  db: Database;
  repositoryId: number;
  pullRequest: RestPullRequest;
}): Promise<IngestResult> {
  const written = await upsertPullRequests(options.db, [toPullRequestRow(options.pullRequest, options.repositoryId)]);
  return { pullRequestWritten: written.length === 1 };
}

/**
 * Applies a review from a webhook: the pull request it belongs to is upserted first (it may be older
 * than the backfill window), then the review, then the pull request's first-review time.
 */
export async function ingestReview(options: {
  db: Database;
  repositoryId: number;
  pullRequest: RestPullRequest;
  review: RestReview;
}): Promise<IngestResult> {
  const { db } = options;
  const row = toPullRequestRow(options.pullRequest, options.repositoryId);
  const written = await upsertPullRequests(db, [row]);
  const review = toReviewRow(options.review, row.id);
  const reviewWritten = review ? (await upsertReviews(db, [review])) === 1 : false;
  await refreshFirstReviewAt(db, [row.id]);
  return { pullRequestWritten: written.length === 1, reviewWritten };
}

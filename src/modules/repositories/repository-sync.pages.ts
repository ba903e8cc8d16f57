import { runAsOneTransaction } from "../../db/one-round-trip.js";
import { notFoundError } from "../../github/github-errors.js";
import type { InstallationGitHub, PullRequestNode } from "../../github/installation-client.js";
import { toPullRequestRow, toReviewRow, type ReviewInsert } from "../pull-requests/pull-requests.mapper.js";
import {
  firstReviewAtRefresh,
  pullRequestsUpsert,
  reviewsUpsert,
  storedUpdatedAt,
} from "../pull-requests/pull-requests.repository.js";
import { spent, type SyncRun } from "./repository-sync.models.js";
import { completionWrites } from "./repository-sync.endings.js";
import { repositoryUpdate, updateRepository } from "./repositories.repository.js";
import { serializeCursor, type RunCursor } from "./sync-plan.models.js";

function ownerAndName(run: SyncRun): { owner: string; name: string } {
  const [owner, name] = run.repository.fullName.split("/") as [string, string];
  return { owner, name };
}

/**
 * Fetches the next page of pull requests with their reviews and writes it with the run's progress and
 * cursor in one transaction; "last" once the page reaches past the window or GitHub has no more.
 */
export async function syncPage(run: SyncRun, github: InstallationGitHub): Promise<"more" | "last"> {
  const { deps, repository, plan } = run;
  const page = await github.pullRequestsPage({ ...ownerAndName(run), first: run.pageSize, after: run.cursor.after });
  if (!page.repositoryFound) throw notFoundError("repository");
  const inWindow = page.nodes.filter((n) => new Date(n.updatedAt) >= plan.windowStart);
  const reachedEnd = inWindow.length < page.nodes.length || !page.pageInfo.hasNextPage;
  const ids = inWindow.map((n) => n.databaseId!);
  // Only pull requests with more reviews than the page holds may need the stored times: usually none.
  const morePaged = inWindow.filter((n) => n.reviews.pageInfo.hasNextPage).map((n) => n.databaseId!);
  const known = morePaged.length > 0 ? await storedUpdatedAt(deps.db, morePaged) : new Map<number, Date>();
  const reviews = await collectReviews(github, inWindow, known);
  run.cursor = { after: page.pageInfo.endCursor, ...(run.cursor.extending ? { extending: true } : {}) };
  run.totals.prs += inWindow.length;
  run.totals.reviews += reviews.length;
  run.totals.pages += 1;
  const oldest = inWindow.at(-1);
  const budget = github.meter.budgets.get("graphql");
  const progress = {
    prsSynced: run.totals.prs,
    reviewsSynced: run.totals.reviews,
    pagesFetched: run.totals.pages,
    reachedAt: reachedEnd ? plan.windowStart : oldest ? new Date(oldest.updatedAt) : undefined,
    cursor: reachedEnd ? null : serializeCursor(run.cursor),
    pageSize: run.pageSize,
    apiRequests: spent(run).requests,
    apiPoints: spent(run).points,
    rateLimitRemaining: budget?.remaining ?? null,
    rateLimitResetAt: budget?.resetAt ?? null,
    lastProgressAt: deps.now(),
  };
  // One round trip: the page's rows stay locked only while PostgreSQL writes them (see runAsOneTransaction).
  // The last page also ends the run, in the same transaction.
  const answer = await runAsOneTransaction<{ firstSyncFinished: boolean }>(deps.db.$client, [
    pullRequestsUpsert(inWindow.map((n) => toPullRequestRow(n, repository.id))),
    reviewsUpsert(reviews),
    firstReviewAtRefresh(ids.filter(Boolean)),
    ...(reachedEnd ? completionWrites(run, progress) : [repositoryUpdate(deps.db, repository.id, progress)]),
  ]);
  if (reachedEnd) run.completion = { firstSyncFinished: answer[0]?.firstSyncFinished === true };
  return reachedEnd ? "last" : "more";
}

/** Skims one page of cursors while extending history, and stores where to continue. */
export async function skimPage(run: SyncRun, github: InstallationGitHub): Promise<"more"> {
  const { cursor } = run;
  const until = new Date(cursor.skim!.until);
  const page = await github.pullRequestCursorsPage({ ...ownerAndName(run), first: run.pageSize, after: cursor.after });
  if (!page.repositoryFound) throw notFoundError("repository");
  const crosses = !page.pageInfo.hasNextPage || page.nodes.some((n) => new Date(n.updatedAt) < until);
  // The page that reaches into the missing range is fetched again, in full, from the same cursor.
  const next: RunCursor = crosses
    ? { after: cursor.after, extending: true }
    : { after: page.pageInfo.endCursor, skim: cursor.skim!, extending: true };
  const last = page.nodes.at(-1);
  await updateRepository(run.deps.db, run.repository.id, {
    cursor: serializeCursor(next),
    ...(last && !crosses ? { reachedAt: new Date(last.updatedAt) } : {}),
    apiRequests: spent(run).requests,
    apiPoints: spent(run).points,
    lastProgressAt: run.deps.now(),
  });
  run.cursor = next;
  return "more";
}

/**
 * All reviews of the page's pull requests, paging further only for the few with more than 100 — and
 * not for one stored at the same updated_at (a new or dismissed review updates the pull request), as
 * the overlap of a catch-up brings back.
 */
async function collectReviews(
  github: InstallationGitHub,
  nodes: PullRequestNode[],
  known: Map<number, Date>,
): Promise<ReviewInsert[]> {
  const rows: ReviewInsert[] = [];
  for (const node of nodes) {
    const prId = node.databaseId!;
    const add = (list: PullRequestNode["reviews"]["nodes"]) => {
      for (const review of list) {
        const row = toReviewRow(review, prId);
        if (row) rows.push(row);
      }
    };
    add(node.reviews.nodes);
    const stored = known.get(prId);
    if (stored && stored.getTime() >= new Date(node.updatedAt).getTime()) continue;
    let pageInfo = node.reviews.pageInfo;
    while (pageInfo.hasNextPage) {
      const more = await github.reviewsPage({ pullRequestNodeId: node.id, after: pageInfo.endCursor });
      add(more.nodes);
      pageInfo = more.pageInfo;
    }
  }
  return rows;
}

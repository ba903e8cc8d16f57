import type pg from "pg";
import type { Logger } from "pino";
import type { Database } from "../../db/client.js";
import type { InstallationGitHub, PullRequestNode } from "../../github/installation-client.js";
import { decideOnFailure } from "../../jobs/github-failures.js";
import type { RepositorySyncJobData } from "../../jobs/job-names.js";
import { updateInstallation } from "../installations/installations.repository.js";
import { toPullRequestRow, toReviewRow, type ReviewInsert } from "../pull-requests/pull-requests.mapper.js";
import {
  refreshFirstReviewAt,
  storedUpdatedAt,
  upsertPullRequests,
  upsertReviews,
} from "../pull-requests/pull-requests.repository.js";
import { getRepositoryWithInstallation, updateRepository, type RepositoryRow } from "./repositories.repository.js";
import { insertSyncRun } from "./sync-runs.repository.js";
import { acquireSyncSlot } from "./sync-slots.repository.js";
import {
  planRun,
  resumeAt,
  serializeCursor,
  smallerPageSize,
  type RunCursor,
  type RunPlan,
} from "./sync-plan.models.js";

export interface RepositorySyncDeps {
  db: Database;
  pool: pg.Pool;
  log: Logger;
  now: () => Date;
  /** The installation's GitHub client; created lazily so a busy or stopped run makes no call. */
  github: (installationId: number) => Promise<InstallationGitHub>;
  /** Extends the job's lock after each page. */
  touch: () => Promise<void>;
  isLastAttempt: (error: unknown) => boolean;
  attempts: number;
  settings: {
    backfillDays: number;
    overlapMinutes: number;
    rateLimitFloor: number;
    installationConcurrency: number;
    pauseJitterMs: number;
  };
}

export type SyncOutcome =
  | { outcome: "complete"; firstSyncFinished: boolean; prs: number; reviews: number; durationMs: number }
  | { outcome: "paused"; until: Date }
  | { outcome: "busy" }
  | { outcome: "stopped"; reason: string }
  | { outcome: "failed"; firstSyncFinished: boolean; error: Error; durationMs: number };

interface RunTotals {
  prs: number;
  reviews: number;
  pages: number;
  requests: number;
  points: number;
}

/**
 * Syncs one repository: a backfill (the last N days, or the older range an extension adds) or a
 * catch-up (what changed since the last successful sync). Pull requests come newest-updated first
 * with their reviews in the same GraphQL page; every page is written with its progress and cursor
 * in one transaction, so a run stopped anywhere resumes from its last page without gaps.
 */
export async function syncRepository(deps: RepositorySyncDeps, job: RepositorySyncJobData): Promise<SyncOutcome> {
  const found = await getRepositoryWithInstallation(deps.db, job.repositoryId);
  if (!found) return { outcome: "stopped", reason: "repository is not tracked" };
  const stop = stopReason(found);
  if (stop) return { outcome: "stopped", reason: stop };

  const slot = await acquireSyncSlot(deps.pool, found.installation.id, deps.settings.installationConcurrency);
  if (!slot) return { outcome: "busy" };
  try {
    return await runSync(deps, job, found.repository);
  } finally {
    await slot.release();
  }
}

function stopReason(found: {
  repository: RepositoryRow;
  installation: { deletedAt: Date | null; suspendedAt: Date | null };
}) {
  if (found.installation.deletedAt) return "installation was uninstalled";
  if (found.installation.suspendedAt) return "installation is suspended";
  if (!found.repository.active) return "repository was removed from the installation";
  return undefined;
}

async function runSync(
  deps: RepositorySyncDeps,
  job: RepositorySyncJobData,
  repository: RepositoryRow,
): Promise<SyncOutcome> {
  const { db, log } = deps;
  // requestRepositorySync, the only way a sync is queued, already turned a catch-up without a
  // high-water mark into a backfill.
  const { kind } = job;
  const plan = planRun({
    repository,
    job,
    now: deps.now(),
    backfillDays: deps.settings.backfillDays,
    overlapMinutes: deps.settings.overlapMinutes,
  });
  const totals: RunTotals = plan.resumed
    ? {
        prs: repository.prsSynced,
        reviews: repository.reviewsSynced,
        pages: repository.pagesFetched,
        requests: repository.apiRequests,
        points: repository.apiPoints,
      }
    : { prs: 0, reviews: 0, pages: 0, requests: 0, points: 0 };
  await updateRepository(db, repository.id, {
    status: "syncing",
    syncKind: kind,
    syncStartedAt: plan.startedAt,
    windowStart: plan.windowStart,
    windowEnd: plan.windowEnd,
    cursor: serializeCursor(plan.cursor),
    pageSize: plan.pageSize,
    pausedUntil: null,
    lastError: null,
    lastErrorCode: null,
    ...(plan.resumed
      ? {}
      : {
          prsSynced: 0,
          reviewsSynced: 0,
          pagesFetched: 0,
          apiRequests: 0,
          apiPoints: 0,
          reachedAt: null,
          syncCompletedAt: null,
        }),
    lastProgressAt: deps.now(),
  });
  const runLog = log.child({
    repository: repository.fullName,
    repositoryId: repository.id,
    kind,
    resumed: plan.resumed,
  });
  runLog.info({ windowStart: plan.windowStart, cursor: plan.cursor }, "sync started");

  const [owner, name] = repository.fullName.split("/") as [string, string];
  let cursor: RunCursor = plan.cursor;
  let pageSize = plan.pageSize;
  let tokenRefreshed = false;
  let github: InstallationGitHub | undefined;
  const spent = () => ({
    requests: totals.requests + (github?.meter.requests ?? 0),
    points: totals.points + (github?.meter.graphqlPoints ?? 0),
  });

  for (;;) {
    try {
      const current = await getRepositoryWithInstallation(db, repository.id);
      const stop = current ? stopReason(current) : "repository is not tracked";
      if (stop) {
        runLog.info({ reason: stop }, "sync stopped");
        return { outcome: "stopped", reason: stop };
      }
      github ??= await deps.github(repository.installationId);
      const low = github.meter.exhausted(deps.settings.rateLimitFloor, ["graphql"]);
      if (low) return await pause(deps, repository, low.resetAt, github, spent(), runLog);

      if (cursor.skim) {
        cursor = await skimPage(deps, github, repository, { owner, name, pageSize, cursor }, spent);
        continue;
      }

      const page = await github.pullRequestsPage({ owner, name, first: pageSize, after: cursor.after });
      if (!page.repositoryFound) {
        throw Object.assign(new Error("repository not found"), { errors: [{ type: "NOT_FOUND" }] });
      }
      const inWindow = page.nodes.filter((n) => new Date(n.updatedAt) >= plan.windowStart);
      const reachedEnd = inWindow.length < page.nodes.length || !page.pageInfo.hasNextPage;
      const known = await storedUpdatedAt(
        db,
        inWindow.map((n) => n.databaseId!),
      );
      const reviews = await collectReviews(github, inWindow, known);
      cursor = { after: page.pageInfo.endCursor, ...(cursor.extending ? { extending: true } : {}) };
      totals.prs += inWindow.length;
      totals.reviews += reviews.length;
      totals.pages += 1;
      const oldest = inWindow.at(-1);
      await db.transaction(async (tx) => {
        await upsertPullRequests(
          tx,
          inWindow.map((n) => toPullRequestRow(n, repository.id)),
        );
        await upsertReviews(tx, reviews);
        await refreshFirstReviewAt(tx, inWindow.map((n) => n.databaseId!).filter(Boolean));
        const budget = github!.meter.budgets.get("graphql");
        await updateRepository(tx, repository.id, {
          prsSynced: totals.prs,
          reviewsSynced: totals.reviews,
          pagesFetched: totals.pages,
          reachedAt: reachedEnd ? plan.windowStart : oldest ? new Date(oldest.updatedAt) : undefined,
          cursor: reachedEnd ? null : serializeCursor(cursor),
          pageSize,
          apiRequests: spent().requests,
          apiPoints: spent().points,
          rateLimitRemaining: budget?.remaining ?? null,
          rateLimitResetAt: budget?.resetAt ?? null,
          lastProgressAt: deps.now(),
        });
      });
      await deps.touch();
      if (reachedEnd)
        return await complete(deps, repository, plan, kind, totals, spent(), cursor.extending === true, runLog);
    } catch (error) {
      const decision = decideOnFailure({
        error,
        now: deps.now(),
        tokenRefreshed,
        canShrink: smallerPageSize(pageSize) !== null,
        isLastAttempt: deps.isLastAttempt,
        attempts: deps.attempts,
      });
      switch (decision.action) {
        case "pause":
          return await pause(deps, repository, decision.resetAt, github, spent(), runLog);
        case "refresh_token":
          tokenRefreshed = true;
          runLog.warn("GitHub refused the installation token; retrying with a new one");
          if (github) await github.refreshToken();
          continue;
        case "shrink_page":
          pageSize = smallerPageSize(pageSize)!;
          runLog.warn({ pageSize, reason: decision.message }, "page too large for GitHub; shrinking it");
          await updateRepository(db, repository.id, { pageSize });
          continue;
        case "give_up":
          return await fail(deps, repository, plan, kind, totals, spent(), decision, runLog);
        case "retry_later":
          runLog.warn({ err: error }, "sync failed; it will be retried");
          await updateRepository(db, repository.id, {
            lastError: `Retrying: ${decision.message}`,
            lastErrorCode: "RETRYING",
          });
          throw decision.error;
      }
    }
  }
}

/** Skims one page of cursors while extending history; returns where to continue. */
async function skimPage(
  deps: RepositorySyncDeps,
  github: InstallationGitHub,
  repository: RepositoryRow,
  args: { owner: string; name: string; pageSize: number; cursor: RunCursor },
  spent: () => { requests: number; points: number },
): Promise<RunCursor> {
  const { cursor } = args;
  const until = new Date(cursor.skim!.until);
  const page = await github.pullRequestCursorsPage({
    owner: args.owner,
    name: args.name,
    first: args.pageSize,
    after: cursor.after,
  });
  if (!page.repositoryFound)
    throw Object.assign(new Error("repository not found"), { errors: [{ type: "NOT_FOUND" }] });
  const crosses = !page.pageInfo.hasNextPage || page.nodes.some((n) => new Date(n.updatedAt) < until);
  // The page that reaches into the missing range is fetched again, in full, from the same cursor.
  const next: RunCursor = crosses
    ? { after: cursor.after, extending: true }
    : { after: page.pageInfo.endCursor, skim: cursor.skim!, extending: true };
  const last = page.nodes.at(-1);
  await updateRepository(deps.db, repository.id, {
    cursor: serializeCursor(next),
    ...(last && !crosses ? { reachedAt: new Date(last.updatedAt) } : {}),
    apiRequests: spent().requests,
    apiPoints: spent().points,
    lastProgressAt: deps.now(),
  });
  await deps.touch();
  return next;
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

async function pause(
  deps: RepositorySyncDeps,
  repository: RepositoryRow,
  resetAt: Date,
  github: InstallationGitHub | undefined,
  spent: { requests: number; points: number },
  log: Logger,
): Promise<SyncOutcome> {
  const until = resumeAt(resetAt, deps.now(), deps.settings.pauseJitterMs);
  const budget = github?.meter.budgets.get("graphql");
  await updateRepository(deps.db, repository.id, {
    status: "paused",
    pausedUntil: until,
    rateLimitResetAt: resetAt,
    rateLimitRemaining: budget?.remaining ?? 0,
    apiRequests: spent.requests,
    apiPoints: spent.points,
  });
  log.info({ until }, "sync paused for GitHub's rate limit");
  return { outcome: "paused", until };
}

async function finishRun(
  deps: RepositorySyncDeps,
  repository: RepositoryRow,
  plan: RunPlan,
  kind: string,
  totals: RunTotals,
  spent: { requests: number; points: number },
  outcome: "complete" | "error",
  error?: string,
) {
  await insertSyncRun(deps.db, {
    installationId: repository.installationId,
    repositoryId: repository.id,
    kind: kind as "backfill" | "catch-up",
    startedAt: plan.startedAt,
    finishedAt: deps.now(),
    outcome,
    prsWritten: totals.prs,
    reviewsWritten: totals.reviews,
    apiRequests: spent.requests,
    graphqlPoints: spent.points,
    error: error ?? null,
  });
  return repository.initialSyncFinishedAt === null;
}

async function complete(
  deps: RepositorySyncDeps,
  repository: RepositoryRow,
  plan: RunPlan,
  kind: string,
  totals: RunTotals,
  spent: { requests: number; points: number },
  extended: boolean,
  log: Logger,
): Promise<SyncOutcome> {
  const fresh = (await getRepositoryWithInstallation(deps.db, repository.id))?.repository ?? repository;
  const history =
    kind === "backfill" && (!fresh.historySince || plan.windowStart < fresh.historySince)
      ? plan.windowStart
      : fresh.historySince;
  await updateRepository(deps.db, repository.id, {
    status: "complete",
    syncCompletedAt: deps.now(),
    // The run's start, not its end: a pull request updated while the run paged is caught next time.
    // An extension skipped the newest pages, so it leaves the mark where it was.
    ...(extended ? {} : { lastSyncedAt: plan.startedAt }),
    historySince: history,
    cursor: null,
    pausedUntil: null,
    lastError: null,
    lastErrorCode: null,
    lastRunPoints: spent.points,
    initialSyncFinishedAt: fresh.initialSyncFinishedAt ?? deps.now(),
  });
  const firstSyncFinished = await finishRun(deps, fresh, plan, kind, totals, spent, "complete");
  log.info(
    { prs: totals.prs, reviews: totals.reviews, points: spent.points, requests: spent.requests },
    "sync complete",
  );
  const durationMs = deps.now().getTime() - plan.startedAt.getTime();
  return { outcome: "complete", firstSyncFinished, prs: totals.prs, reviews: totals.reviews, durationMs };
}

async function fail(
  deps: RepositorySyncDeps,
  repository: RepositoryRow,
  plan: RunPlan,
  kind: string,
  totals: RunTotals,
  spent: { requests: number; points: number },
  decision: { code: string; message: string; error: Error },
  log: Logger,
): Promise<SyncOutcome> {
  const fresh = (await getRepositoryWithInstallation(deps.db, repository.id))?.repository ?? repository;
  await updateRepository(deps.db, repository.id, {
    status: "error",
    lastError: decision.message,
    lastErrorCode: decision.code,
    lastRunPoints: spent.points,
    initialSyncFinishedAt: fresh.initialSyncFinishedAt ?? deps.now(),
  });
  if (decision.code === "BAD_CREDENTIALS") {
    await updateInstallation(deps.db, repository.installationId, { credentialsInvalidAt: deps.now() });
  }
  const firstSyncFinished = await finishRun(deps, fresh, plan, kind, totals, spent, "error", decision.message);
  log.error({ code: decision.code, reason: decision.message }, "sync failed");
  return {
    outcome: "failed",
    firstSyncFinished,
    error: decision.error,
    durationMs: deps.now().getTime() - plan.startedAt.getTime(),
  };
}

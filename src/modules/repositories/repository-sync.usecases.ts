import { runPagedJob } from "../../jobs/paged-run.js";
import type { RepositorySyncJobData } from "./repositories.jobs.js";
import { completeRun, failRun, pauseRun } from "./repository-sync.endings.js";
import type { RepositorySyncDeps, RunTotals, SyncOutcome, SyncRun } from "./repository-sync.models.js";
import { skimPage, syncPage } from "./repository-sync.pages.js";
import { getRepositoryWithInstallation, updateRepository, type RepositoryRow } from "./repositories.repository.js";
import { planRun, serializeCursor, smallerPageSize } from "./sync-plan.models.js";
import { acquireSyncSlot } from "./sync-slots.repository.js";
import { installationStopReason } from "../installations/installations.models.js";

export type { RepositorySyncDeps, SyncOutcome } from "./repository-sync.models.js";

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
    const run = await startRun(deps, job, found.repository);
    // Checked just now, before the slot: the first page needs no second look.
    let checkedJustNow = true;
    return await runPagedJob(
      {
        github: () => deps.github(found.repository.installationId),
        touch: deps.touch,
        now: deps.now,
        rateLimitFloor: deps.settings.rateLimitFloor,
        isLastAttempt: deps.isLastAttempt,
        attempts: deps.attempts,
        log: run.log,
      },
      {
        stopped: () => {
          if (!checkedJustNow) return stoppedSince(run);
          checkedJustNow = false;
          return Promise.resolve(undefined);
        },
        page: (github) => {
          run.github = github;
          return run.cursor.skim ? skimPage(run, github) : syncPage(run, github);
        },
        finish: () => finishRun(run),
        pause: (resetAt, github) => pauseRun(run, { resetAt, github }),
        shrink: { possible: () => smallerPageSize(run.pageSize) !== null, apply: (reason) => shrinkPage(run, reason) },
        giveUp: (decision) => failRun(run, decision),
        retryLater: async (decision, error) => {
          run.log.warn({ err: error }, "sync failed; it will be retried");
          await updateRepository(deps.db, run.repository.id, {
            lastError: `Retrying: ${decision.message}`,
            lastErrorCode: "RETRYING",
          });
        },
      },
    );
  } finally {
    await slot.release();
  }
}

function stopReason(found: {
  repository: RepositoryRow;
  installation: { deletedAt: Date | null; suspendedAt: Date | null };
}) {
  const stopped = installationStopReason(found.installation);
  if (stopped) return stopped === "uninstalled" ? "installation was uninstalled" : "installation is suspended";
  if (!found.repository.active) return "repository was removed from the installation";
  return undefined;
}

/** The last page wrote the run's completion; what follows it is done before the sync gives up its place. */
async function finishRun(run: SyncRun): Promise<SyncOutcome> {
  if (!run.completion) throw new Error("the last page was written without the run's completion");
  await run.deps.afterLastPage?.();
  return completeRun(run, run.completion);
}

/** Checked before every page: an uninstall, suspension or removal while the run pages stops it there. */
async function stoppedSince(run: SyncRun): Promise<SyncOutcome | undefined> {
  const current = await getRepositoryWithInstallation(run.deps.db, run.repository.id);
  const reason = current ? stopReason(current) : "repository is not tracked";
  if (!reason) return undefined;
  run.log.info({ reason }, "sync stopped");
  return { outcome: "stopped", reason };
}

async function shrinkPage(run: SyncRun, reason: string): Promise<void> {
  run.pageSize = smallerPageSize(run.pageSize)!;
  run.log.warn({ pageSize: run.pageSize, reason }, "page too large for GitHub; shrinking it");
  await updateRepository(run.deps.db, run.repository.id, { pageSize: run.pageSize });
}

/** Plans the run (resume or start over) and marks the repository as syncing with the plan's window. */
async function startRun(deps: RepositorySyncDeps, job: RepositorySyncJobData, repository: RepositoryRow) {
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
  const fresh = {
    prsSynced: 0,
    reviewsSynced: 0,
    pagesFetched: 0,
    apiRequests: 0,
    apiPoints: 0,
    reachedAt: null,
    syncCompletedAt: null,
  };
  await updateRepository(deps.db, repository.id, {
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
    ...(plan.resumed ? {} : fresh),
    lastProgressAt: deps.now(),
  });
  const log = deps.log.child({
    repository: repository.fullName,
    repositoryId: repository.id,
    kind,
    resumed: plan.resumed,
  });
  log.info({ windowStart: plan.windowStart, cursor: plan.cursor }, "sync started");
  const run: SyncRun = { deps, repository, plan, kind, totals, cursor: plan.cursor, pageSize: plan.pageSize, log };
  return run;
}

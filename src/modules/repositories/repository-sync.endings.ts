import type { InstallationGitHub } from "../../github/installation-client.js";
import { resumeAt } from "../../jobs/backoff.js";
import type { FailureDecision } from "../../jobs/github-failures.js";
import { updateInstallation } from "../installations/installations.repository.js";
import { spent, type SyncOutcome, type SyncRun } from "./repository-sync.models.js";
import { getRepositoryWithInstallation, updateRepository, type RepositoryRow } from "./repositories.repository.js";
import { insertSyncRun } from "../sync-runs/sync-runs.repository.js";

/** Stores the pause until GitHub's budget resets (plus jitter); the job runs again then. */
export async function pauseRun(
  run: SyncRun,
  options: { resetAt: Date; github: InstallationGitHub | undefined },
): Promise<SyncOutcome> {
  const { deps } = run;
  const until = resumeAt(options.resetAt, deps.now(), deps.settings.pauseJitterMs);
  const budget = options.github?.meter.budgets.get("graphql");
  await updateRepository(deps.db, run.repository.id, {
    status: "paused",
    pausedUntil: until,
    rateLimitResetAt: options.resetAt,
    rateLimitRemaining: budget?.remaining ?? 0,
    apiRequests: spent(run).requests,
    apiPoints: spent(run).points,
  });
  run.log.info({ until }, "sync paused for GitHub's rate limit");
  return { outcome: "paused", until };
}

/** The repository as stored now: a webhook or another step may have changed it while the run paged. */
async function freshRepository(run: SyncRun): Promise<RepositoryRow> {
  return (await getRepositoryWithInstallation(run.deps.db, run.repository.id))?.repository ?? run.repository;
}

/** Records the run in sync_runs; true when this was the repository's first sync to end. */
async function recordRun(
  run: SyncRun,
  options: { repository: RepositoryRow; outcome: "complete" | "error"; error?: string },
): Promise<boolean> {
  const { deps, plan, totals } = run;
  await insertSyncRun(deps.db, {
    installationId: run.repository.installationId,
    repositoryId: run.repository.id,
    kind: run.kind,
    startedAt: plan.startedAt,
    finishedAt: deps.now(),
    outcome: options.outcome,
    prsWritten: totals.prs,
    reviewsWritten: totals.reviews,
    apiRequests: spent(run).requests,
    graphqlPoints: spent(run).points,
    error: options.error ?? null,
  });
  return options.repository.initialSyncFinishedAt === null;
}

/** The last page is written: move the high-water mark and the history start, and record the run. */
export async function completeRun(run: SyncRun): Promise<SyncOutcome> {
  const { deps, plan, totals } = run;
  const fresh = await freshRepository(run);
  const history =
    run.kind === "backfill" && (!fresh.historySince || plan.windowStart < fresh.historySince)
      ? plan.windowStart
      : fresh.historySince;
  // The repository's new state and the run's record are independent writes: side by side.
  const [, firstSyncFinished] = await Promise.all([
    updateRepository(deps.db, run.repository.id, {
      status: "complete",
      syncCompletedAt: deps.now(),
      // The run's start, not its end: a pull request updated while the run paged is caught next time.
      // An extension skipped the newest pages, so it leaves the mark where it was.
      ...(run.cursor.extending === true ? {} : { lastSyncedAt: plan.startedAt }),
      historySince: history,
      cursor: null,
      pausedUntil: null,
      lastError: null,
      lastErrorCode: null,
      lastRunPoints: spent(run).points,
      initialSyncFinishedAt: fresh.initialSyncFinishedAt ?? deps.now(),
    }),
    recordRun(run, { repository: fresh, outcome: "complete" }),
  ]);
  run.log.info({ prs: totals.prs, reviews: totals.reviews, ...spent(run) }, "sync complete");
  const durationMs = deps.now().getTime() - plan.startedAt.getTime();
  return { outcome: "complete", firstSyncFinished, prs: totals.prs, reviews: totals.reviews, durationMs };
}

/** The run gives up: the reason goes on the repository for the status page; bad credentials flag the installation. */
export async function failRun(
  run: SyncRun,
  decision: Extract<FailureDecision, { action: "give_up" }>,
): Promise<SyncOutcome> {
  const { deps, plan } = run;
  const fresh = await freshRepository(run);
  await updateRepository(deps.db, run.repository.id, {
    status: "error",
    lastError: decision.message,
    lastErrorCode: decision.code,
    lastRunPoints: spent(run).points,
    initialSyncFinishedAt: fresh.initialSyncFinishedAt ?? deps.now(),
  });
  if (decision.code === "BAD_CREDENTIALS") {
    await updateInstallation(deps.db, run.repository.installationId, { credentialsInvalidAt: deps.now() });
  }
  const firstSyncFinished = await recordRun(run, { repository: fresh, outcome: "error", error: decision.message });
  run.log.error({ code: decision.code, reason: decision.message }, "sync failed");
  return {
    outcome: "failed",
    firstSyncFinished,
    error: decision.error,
    durationMs: deps.now().getTime() - plan.startedAt.getTime(),
  };
}

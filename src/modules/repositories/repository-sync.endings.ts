import { eq, sql, type SQL } from "drizzle-orm";
import type { InstallationGitHub } from "../../github/installation-client.js";
import { resumeAt } from "../../jobs/backoff.js";
import type { FailureDecision } from "../../jobs/github-failures.js";
import { updateInstallation } from "../installations/installations.repository.js";
import { spent, type SyncOutcome, type SyncRun } from "./repository-sync.models.js";
import {
  getRepositoryWithInstallation,
  updateRepository,
  type RepositoryRow,
  type RepositoryUpdate,
} from "./repositories.repository.js";
import { repositories } from "./repositories.table.js";
import { insertSyncRun } from "../sync-runs/sync-runs.repository.js";
import { syncRuns } from "../sync-runs/sync-runs.table.js";

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

/** The run's row in sync_runs. */
function syncRunRow(run: SyncRun, options: { outcome: "complete" | "error"; finishedAt: Date; error?: string }) {
  const { plan, totals } = run;
  return {
    installationId: run.repository.installationId,
    repositoryId: run.repository.id,
    kind: run.kind,
    startedAt: plan.startedAt,
    finishedAt: options.finishedAt,
    outcome: options.outcome,
    prsWritten: totals.prs,
    reviewsWritten: totals.reviews,
    apiRequests: spent(run).requests,
    graphqlPoints: spent(run).points,
    error: options.error ?? null,
  };
}

/** Records the run in sync_runs; true when this was the repository's first sync to end. */
async function recordRun(
  run: SyncRun,
  options: { repository: RepositoryRow; outcome: "complete" | "error"; error?: string },
): Promise<boolean> {
  await insertSyncRun(run.deps.db, syncRunRow(run, { ...options, finishedAt: run.deps.now() }));
  return options.repository.initialSyncFinishedAt === null;
}

/**
 * The writes that end a run as complete, to go in the same transaction as its last page (which brings its own
 * progress): the run's record, then the repository's new state, whose statement answers `firstSyncFinished`.
 * A run is then never seen, nor left by a crash, with all its pages written and not complete, and its slot
 * is not held for the round trips of a separate completion.
 */
export function completionWrites(run: SyncRun, progress: RepositoryUpdate): SQL[] {
  const { db } = run.deps;
  const { plan } = run;
  const now = run.deps.now();
  // The stored values, as they were before this statement, whatever a webhook changed while the run paged.
  const before = db
    .select({ id: repositories.id, initialSyncFinishedAt: repositories.initialSyncFinishedAt })
    .from(repositories)
    .where(eq(repositories.id, run.repository.id))
    .as("before");
  const update = db
    .update(repositories)
    .set({
      ...progress,
      status: "complete",
      syncCompletedAt: now,
      // The run's start, not its end: a pull request updated while the run paged is caught next time.
      // An extension skipped the newest pages, so it leaves the mark where it was.
      ...(run.cursor.extending === true ? {} : { lastSyncedAt: plan.startedAt }),
      // A backfill reaching further back than any before moves the start of the history.
      ...(run.kind === "backfill"
        ? { historySince: sql`least(coalesce(${repositories.historySince}, ${plan.windowStart}), ${plan.windowStart})` }
        : {}),
      cursor: null,
      pausedUntil: null,
      lastError: null,
      lastErrorCode: null,
      lastRunPoints: spent(run).points,
      initialSyncFinishedAt: sql`coalesce(${repositories.initialSyncFinishedAt}, ${now})`,
      updatedAt: now,
    })
    .from(before)
    .where(eq(repositories.id, before.id))
    .returning({
      firstSyncFinished: sql<boolean>`${before.initialSyncFinishedAt} IS NULL`.as("firstSyncFinished"),
    });
  return [
    db
      .insert(syncRuns)
      .values(syncRunRow(run, { outcome: "complete", finishedAt: now }))
      .getSQL(),
    update.getSQL(),
  ];
}

/** The last page was written with the run's completion (completionWrites): report it. */
export function completeRun(run: SyncRun, completion: { firstSyncFinished: boolean }): SyncOutcome {
  const { deps, plan, totals } = run;
  run.log.info(
    { prs: totals.prs, reviews: totals.reviews, ...spent(run), firstSyncFinished: completion.firstSyncFinished },
    "sync complete",
  );
  const durationMs = deps.now().getTime() - plan.startedAt.getTime();
  return {
    outcome: "complete",
    firstSyncFinished: completion.firstSyncFinished,
    prs: totals.prs,
    reviews: totals.reviews,
    durationMs,
  };
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

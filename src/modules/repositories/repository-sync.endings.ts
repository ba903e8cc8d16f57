import { eq, sql, type SQL } from "drizzle-orm";
import type { PgUpdateSetSource } from "drizzle-orm/pg-core";
import { runAsOneTransaction } from "../../db/one-round-trip.js";
import type { InstallationGitHub } from "../../github/installation-client.js";
import { resumeAt } from "../../jobs/backoff.js";
import type { FailureDecision } from "../../jobs/github-failures.js";
import { updateInstallation } from "../installations/installations.repository.js";
import { spent, type SyncOutcome, type SyncRun } from "./repository-sync.models.js";
import { updateRepository, type RepositoryUpdate } from "./repositories.repository.js";
import { repositories } from "./repositories.table.js";
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

/**
 * The writes that end a run, as one transaction's statements: its record in sync_runs, then the repository's
 * new `state`, whose statement answers `firstSyncFinished` (whether this was the repository's first sync to
 * end, either way) from the row as it was just before, whatever a webhook changed while the run paged.
 */
function endingWrites(
  run: SyncRun,
  record: { outcome: "complete" | "error"; error?: string },
  state: PgUpdateSetSource<typeof repositories>,
): SQL[] {
  const { db } = run.deps;
  const { plan, totals } = run;
  const now = run.deps.now();
  const before = db
    .select({ id: repositories.id, initialSyncFinishedAt: repositories.initialSyncFinishedAt })
    .from(repositories)
    .where(eq(repositories.id, run.repository.id))
    .as("before");
  const update = db
    .update(repositories)
    .set({
      ...state,
      lastRunPoints: spent(run).points,
      initialSyncFinishedAt: sql`coalesce(${repositories.initialSyncFinishedAt}, ${now})`,
      updatedAt: now,
    })
    .from(before)
    .where(eq(repositories.id, before.id))
    .returning({
      firstSyncFinished: sql<boolean>`${before.initialSyncFinishedAt} IS NULL`.as("firstSyncFinished"),
    });
  const runRecord = db.insert(syncRuns).values({
    installationId: run.repository.installationId,
    repositoryId: run.repository.id,
    kind: run.kind,
    startedAt: plan.startedAt,
    finishedAt: now,
    outcome: record.outcome,
    prsWritten: totals.prs,
    reviewsWritten: totals.reviews,
    apiRequests: spent(run).requests,
    graphqlPoints: spent(run).points,
    error: record.error ?? null,
  });
  return [runRecord.getSQL(), update.getSQL()];
}

/**
 * The writes that end a run as complete, to go in the same transaction as its last page (which brings its own
 * progress). A run is then never seen, nor left by a crash, with all its pages written and not complete, and
 * its slot is not held for the round trips of a separate completion.
 */
export function completionWrites(run: SyncRun, progress: RepositoryUpdate): SQL[] {
  const { plan } = run;
  return endingWrites(
    run,
    { outcome: "complete" },
    {
      ...progress,
      status: "complete",
      syncCompletedAt: run.deps.now(),
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
    },
  );
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
  const [ended] = await runAsOneTransaction<{ firstSyncFinished: boolean }>(
    deps.db.$client,
    endingWrites(
      run,
      { outcome: "error", error: decision.message },
      { status: "error", lastError: decision.message, lastErrorCode: decision.code },
    ),
  );
  if (decision.code === "BAD_CREDENTIALS") {
    await updateInstallation(deps.db, run.repository.installationId, { credentialsInvalidAt: deps.now() });
  }
  const firstSyncFinished = ended?.firstSyncFinished === true;
  run.log.error({ code: decision.code, reason: decision.message }, "sync failed");
  return {
    outcome: "failed",
    firstSyncFinished,
    error: decision.error,
    durationMs: deps.now().getTime() - plan.startedAt.getTime(),
  };
}

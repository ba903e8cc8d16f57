import { createInstallationGitHub } from "../../../github/installation-client.js";
import { createTokenWarmer } from "../../../github/token-warmer.js";
import type { JobDefinition } from "../../../jobs/job-definition.js";
import type { Runtime } from "../../../runtime.js";
import { syncRepository } from "../repository-sync.usecases.js";
import { afterRepositorySync } from "../sync-followups.usecases.js";

/** repository.sync: one per repository at a time; backfill, extension and catch-up. */
export function repositorySyncTask(runtime: Runtime): JobDefinition<"repository.sync"> {
  const { config } = runtime;
  const tokens = createTokenWarmer({ probot: runtime.probot, log: runtime.log });
  return {
    name: "repository.sync",
    concurrency: config.GLOBAL_SYNC_CONCURRENCY,
    attempts: config.JOB_ATTEMPTS,
    lockLifetimeMs: runtime.tuning.lockLifetimeMs,
    uniqueBy: "repositoryId",
    // Syncs of one installation share its API budget and its sync slots: the ones beyond the slots wait,
    // and the next one starts as soon as a running one ends.
    admission: { groupBy: "installationId", limit: config.INSTALLATION_SYNC_CONCURRENCY },
    // A first sync would otherwise spend a request's time creating its installation's token in its place.
    lookahead: {
      jobs: config.GLOBAL_SYNC_CONCURRENCY * 4,
      prepare: (upcoming) => tokens.warm(upcoming.map((data) => data.installationId)),
    },
    async handler(data, context) {
      const outcome = await syncRepository(
        {
          db: runtime.db,
          pool: runtime.pool,
          log: context.log.child({ installationId: data.installationId }),
          now: runtime.now,
          github: (installationId) => createInstallationGitHub(runtime.probot, installationId),
          touch: context.touch,
          isLastAttempt: context.isLastAttempt,
          attempts: config.JOB_ATTEMPTS,
          settings: {
            backfillDays: config.BACKFILL_DAYS,
            overlapMinutes: config.SYNC_OVERLAP_MINUTES,
            rateLimitFloor: config.RATE_LIMIT_FLOOR,
            installationConcurrency: config.INSTALLATION_SYNC_CONCURRENCY,
            pauseJitterMs: runtime.tuning.pauseJitterMs,
          },
          // Insights read only the pull requests and reviews, all written by now.
          afterLastPage: () => runtime.queue.enqueue("insights.compute", { repositoryId: data.repositoryId }),
        },
        data,
      );
      switch (outcome.outcome) {
        case "busy":
          // Admission keeps this rare (a sync queued before admission, or a slot not yet released): try again shortly.
          context.runAgainAt(new Date(runtime.now().getTime() + runtime.tuning.busyRetryMs * (0.5 + Math.random())));
          return;
        case "paused":
          context.runAgainAt(outcome.until);
          return;
        case "complete":
          runtime.metrics.syncDuration.observe({ kind: data.kind, outcome: "complete" }, outcome.durationMs / 1000);
          await afterRepositorySync(runtime, data, outcome);
          return;
        case "failed":
          runtime.metrics.syncDuration.observe({ kind: data.kind, outcome: "error" }, outcome.durationMs / 1000);
          await afterRepositorySync(runtime, data, outcome);
          throw outcome.error;
        case "stopped":
          return;
      }
    },
  };
}

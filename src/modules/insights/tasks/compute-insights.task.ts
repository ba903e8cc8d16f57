import type { JobDefinition } from "../../../jobs/job-definition.js";
import type { Runtime } from "../../../runtime.js";
import { computeRepositoryInsights } from "../insights.usecases.js";

/** Recomputes a repository's insights over the backfill window; queued after each completed sync. */
export function computeInsightsTask(runtime: Runtime): JobDefinition<"insights.compute"> {
  return {
    name: "insights.compute",
    concurrency: 2,
    attempts: runtime.config.JOB_ATTEMPTS,
    lockLifetimeMs: 5 * 60_000,
    uniqueBy: "repositoryId",
    handler: async (data, context) => {
      const row = await computeRepositoryInsights({
        db: runtime.db,
        repositoryId: data.repositoryId,
        now: runtime.now(),
        windowDays: runtime.config.BACKFILL_DAYS,
      });
      if (!row) context.log.info({ repositoryId: data.repositoryId }, "repository no longer tracked; no insights");
      else context.log.info({ repositoryId: data.repositoryId, opened: row.opened }, "insights computed");
    },
  };
}

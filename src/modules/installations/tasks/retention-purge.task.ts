import type { JobDefinition } from "../../../jobs/job-definition.js";
import type { Runtime } from "../../../runtime.js";
import { purgeExpiredData } from "../retention.usecases.js";

/** retention.purge, daily: removes data of installations uninstalled more than RETENTION_DAYS ago. */
export function retentionPurgeTask(runtime: Runtime): JobDefinition<"retention.purge"> {
  return {
    name: "retention.purge",
    concurrency: 1,
    attempts: runtime.config.JOB_ATTEMPTS,
    lockLifetimeMs: runtime.tuning.lockLifetimeMs,
    async handler(_data, context) {
      const purged = await purgeExpiredData({
        db: runtime.db,
        now: runtime.now(),
        retentionDays: runtime.config.RETENTION_DAYS,
      });
      context.log.info(purged, "retention purge done");
    },
  };
}

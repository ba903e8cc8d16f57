import type { JobDefinition } from "../../../jobs/job-definition.js";
import { JOBS } from "../../../jobs/job-names.js";
import type { Runtime } from "../../../runtime.js";
import { catchUpEverything } from "../catch-up.usecases.js";

/** catch-up.all, on SYNC_CRON: fans out one sync per active repository and a member sync per organization. */
export function catchUpAllTask(runtime: Runtime): JobDefinition<Record<string, never>> {
  return {
    name: JOBS.catchUpAll,
    concurrency: 1,
    attempts: runtime.config.JOB_ATTEMPTS,
    lockLifetimeMs: runtime.tuning.lockLifetimeMs,
    async handler(_data, context) {
      const summary = await catchUpEverything({ db: runtime.db, queue: runtime.queue });
      context.log.info(summary, "catch-up queued");
    },
  };
}

import type { JobDefinition } from "../../../jobs/job-definition.js";
import type { Runtime } from "../../../runtime.js";
import { catchUpEverything } from "../catch-up.usecases.js";

/** catch-up.all, on SYNC_CRON: queues each installation's fan-out at its offset in the window, and member syncs. */
export function catchUpAllTask(runtime: Runtime): JobDefinition<"catch-up.all"> {
  return {
    name: "catch-up.all",
    concurrency: 1,
    attempts: runtime.config.JOB_ATTEMPTS,
    lockLifetimeMs: runtime.tuning.lockLifetimeMs,
    async handler(_data, context) {
      const summary = await catchUpEverything({
        db: runtime.db,
        queue: runtime.queue,
        now: runtime.now(),
        spreadMs: runtime.config.CATCH_UP_SPREAD_MINUTES * 60_000,
      });
      context.log.info(summary, "catch-up queued");
    },
  };
}

import type { JobDefinition } from "../../../jobs/job-definition.js";
import type { Runtime } from "../../../runtime.js";
import { fanOutSyncs } from "../sync-requests.usecases.js";

/** repositories.fan-out: queues the syncs an installation event asked for, away from the webhook's deadline. */
export function repositoryFanOutTask(runtime: Runtime): JobDefinition<"repositories.fan-out"> {
  return {
    name: "repositories.fan-out",
    concurrency: 2,
    attempts: runtime.config.JOB_ATTEMPTS,
    lockLifetimeMs: runtime.tuning.lockLifetimeMs,
    async handler(data, context) {
      const summary = await fanOutSyncs({ db: runtime.db, queue: runtime.queue, ...data });
      context.log.info({ installationId: data.installationId, ...summary }, "repository syncs queued");
    },
  };
}

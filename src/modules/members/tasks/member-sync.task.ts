import { createInstallationGitHub } from "../../../github/installation-client.js";
import type { JobDefinition } from "../../../jobs/job-definition.js";
import type { Runtime } from "../../../runtime.js";
import { syncMembers } from "../member-sync.usecases.js";

/** members.sync: one per installation at a time. */
export function memberSyncTask(runtime: Runtime): JobDefinition<"members.sync"> {
  return {
    name: "members.sync",
    concurrency: 2,
    attempts: runtime.config.JOB_ATTEMPTS,
    lockLifetimeMs: runtime.tuning.lockLifetimeMs,
    uniqueBy: "installationId",
    async handler(data, context) {
      const outcome = await syncMembers(
        {
          db: runtime.db,
          log: context.log,
          now: runtime.now,
          github: (installationId) => createInstallationGitHub(runtime.probot, installationId),
          touch: context.touch,
          isLastAttempt: context.isLastAttempt,
          attempts: runtime.config.JOB_ATTEMPTS,
          rateLimitFloor: runtime.config.RATE_LIMIT_FLOOR,
          pauseJitterMs: runtime.tuning.pauseJitterMs,
        },
        data.installationId,
      );
      if (outcome.outcome === "paused") context.runAgainAt(outcome.until);
    },
  };
}

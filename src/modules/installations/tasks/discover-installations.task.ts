import { createAppGitHub } from "../../../github/app-client.js";
import type { JobDefinition } from "../../../jobs/job-definition.js";
import { JOBS } from "../../../jobs/job-names.js";
import type { Runtime } from "../../../runtime.js";
import { discoverInstallations } from "../discovery.usecases.js";

/** installations.discover: at start and daily, picks up installations whose installation event never arrived. */
export function discoverInstallationsTask(runtime: Runtime): JobDefinition<{ reason: string }> {
  return {
    name: JOBS.discoverInstallations,
    concurrency: 1,
    attempts: runtime.config.JOB_ATTEMPTS,
    lockLifetimeMs: runtime.tuning.lockLifetimeMs,
    uniqueBy: "reason",
    async handler(_data, context) {
      const result = await discoverInstallations({ ...runtime, github: createAppGitHub(runtime.probot) });
      context.log.info({ known: result.known, discovered: result.discovered }, "installations checked against GitHub");
    },
  };
}

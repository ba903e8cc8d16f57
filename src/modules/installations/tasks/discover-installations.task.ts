import { createAppGitHub } from "../../../github/app-client.js";
import type { JobDefinition } from "../../../jobs/job-definition.js";
import type { Runtime } from "../../../runtime.js";
import { discoverInstallations } from "../discovery.usecases.js";
import type { InstallationWork } from "../installations.usecases.js";

/** installations.discover: at start and daily, picks up installations whose installation event never arrived. */
export function discoverInstallationsTask(
  runtime: Runtime,
  work: InstallationWork,
): JobDefinition<"installations.discover"> {
  return {
    name: "installations.discover",
    concurrency: 1,
    attempts: runtime.config.JOB_ATTEMPTS,
    lockLifetimeMs: runtime.tuning.lockLifetimeMs,
    uniqueBy: "reason",
    async handler(_data, context) {
      const result = await discoverInstallations({ ...runtime, work, github: createAppGitHub(runtime.probot) });
      context.log.info({ known: result.known, discovered: result.discovered }, "installations checked against GitHub");
    },
  };
}

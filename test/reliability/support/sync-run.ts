import type { GitHubSimulator } from "../../../simulator/index.js";
import { WEBHOOK_PATH } from "../../../src/start.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import type { TestDatabase } from "../../support/database.js";
import { waitFor } from "../../support/wait.js";
import { INSTALLATION_ID, repositoryStates, simulatorEnv } from "./ground-truth.js";

/** Starts pr-sync against the simulator, with webhooks from the simulator delivered to it. */
export async function startAppOnSimulator(
  sim: GitHubSimulator,
  database: TestDatabase,
  options: { env?: Record<string, string>; start?: Parameters<typeof startTestApp>[0]["start"] } = {},
): Promise<TestApp> {
  const app = await startTestApp({
    database,
    env: simulatorEnv(sim, { BACKFILL_DAYS: "30", ...options.env }),
    ...(options.start ? { start: options.start } : {}),
  });
  sim.setWebhookUrl(`${app.url}${WEBHOOK_PATH}`);
  return app;
}

/** Waits until every repository of the installation has completed its sync. */
export async function waitForSyncComplete(databaseUrl: string, timeoutMs = 30_000, installationId = INSTALLATION_ID) {
  return waitFor(
    async () => {
      const states = await repositoryStates(databaseUrl, installationId);
      return states.length > 0 && states.every((s) => s.status === "complete") && states;
    },
    { timeoutMs, what: "every repository to complete its sync" },
  );
}

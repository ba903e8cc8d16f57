/**
 * `npm run demo`: pr-sync against the local GitHub simulator, on the embedded database, with no network.
 * Installs the app on an organization with three repositories, then keeps some pull requests moving.
 */
import { randomBytes } from "node:crypto";
import { loadConfig } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { startPrSync, WEBHOOK_PATH } from "../src/start.js";
import { IDS, ORGANIZATION_LOGINS, startGitHubSimulator } from "../simulator/index.js";

const ACTIVITY_EVERY_MS = 15_000;

async function main(): Promise<void> {
  const simulator = await startGitHubSimulator({
    seed: 42,
    repositoriesPerOrganization: 3,
    pullRequestsPerRepository: 300,
  });
  const adminToken = randomBytes(24).toString("hex");
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: undefined,
    GHE_HOST: simulator.host,
    GHE_PROTOCOL: "http",
    APP_ID: String(simulator.appId),
    PRIVATE_KEY: simulator.privateKey,
    PRIVATE_KEY_PATH: undefined,
    WEBHOOK_SECRET: simulator.webhookSecret,
    GITHUB_CLIENT_ID: simulator.clientId,
    GITHUB_CLIENT_SECRET: simulator.clientSecret,
    ADMIN_TOKEN: adminToken,
    SESSION_SECRET: randomBytes(32).toString("hex"),
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
  };
  const config = loadConfig(env);
  const log = createLogger({ level: config.LOG_LEVEL });
  const app = await startPrSync({ config, env, log });
  simulator.setWebhookUrl(`${app.url}${WEBHOOK_PATH}`);

  const organization = ORGANIZATION_LOGINS[0];
  const installed = await simulator.sendInstallationCreated(IDS.installations[0]);
  const signInUser = [...simulator.data.accounts.values()].find((a) => a.id === 20_001)?.login;
  console.log(
    [
      "",
      `GitHub simulator:   ${simulator.url} (app ${simulator.appId})`,
      `pr-sync:            ${app.url}`,
      `Installed on ${organization} (installation ${IDS.installations[0]}, 3 repositories): webhook answered ${installed.status}`,
      "",
      `Status page:        ${app.url}/`,
      `  Sign in with GitHub: the simulator approves at once and signs you in as ${signInUser} (an ${organization} admin).`,
      `  Or use the operator token: ${adminToken}`,
      "",
      `Every ${ACTIVITY_EVERY_MS / 1000} s a few pull requests change in ${organization}/api and ${organization}/web, with their webhooks.`,
      `When the first sync completes, the completion email is written to ${config.DATA_DIR}/outbox/ (an .eml file).`,
      "Ctrl-C stops everything.",
      "",
    ].join("\n"),
  );

  let round = 0;
  const timer = setInterval(() => {
    round += 1;
    const repository = `${organization}/${round % 2 === 0 ? "api" : "web"}`;
    simulator
      .simulateActivity({ repository, count: 3 })
      .then(({ changes }) =>
        log.info({ repository, changes: changes.map((c) => `#${c.number} ${c.action}`) }, "simulated activity"),
      )
      .catch((error: unknown) => log.warn({ err: error }, "simulated activity failed"));
  }, ACTIVITY_EVERY_MS);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    console.log("\nstopping pr-sync and the simulator…");
    await app.stop({ drainTimeoutMs: 10_000 });
    await simulator.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

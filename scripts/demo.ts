/**
 * `npm run demo`: pr-sync against the local GitHub simulator, on the embedded database, with no network.
 * Installs the app on an organization with three repositories, then keeps some pull requests moving.
 * Each run starts from an empty data folder of its own (data/demo), so the first sync and its
 * completion email happen every time, and a real pr-sync's data in ./data is never touched.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { loadConfig, publicUrl } from "../src/config.js";
import { createLogger } from "../src/logger.js";
import { dataPath } from "../src/paths.js";
import { startPrSync, WEBHOOK_PATH } from "../src/start.js";
import { IDS, ORGANIZATION_LOGINS, startGitHubSimulator } from "../simulator/index.js";
import { freePort } from "./free-port.js";

const ACTIVITY_EVERY_MS = 15_000;
const DEMO_DATA_DIR = "./data/demo";
/** Completion emails need a recipient; the outbox driver only writes a file, nothing is sent. */
const DEMO_RECIPIENT = "team-leads@example.com";

async function main(): Promise<void> {
  const simulator = await startGitHubSimulator({
    seed: 42,
    repositoriesPerOrganization: 3,
    pullRequestsPerRepository: 300,
  });
  const adminToken = randomBytes(24).toString("hex");
  rmSync(dataPath(DEMO_DATA_DIR), { recursive: true, force: true });
  const port = process.env.PORT ?? "3000";
  const env: Record<string, string | undefined> = {
    ...process.env,
    DATABASE_URL: undefined,
    DATA_DIR: DEMO_DATA_DIR,
    // A port of its own, so the demo runs beside a local pr-sync on its embedded database.
    EMBEDDED_POSTGRES_PORT: String(await freePort()),
    // Loopback only, and the address the page is opened at: the sign-in cookies belong to this host.
    HOST: "127.0.0.1",
    PORT: port,
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    SMTP_URL: undefined,
    NOTIFY_EMAILS: process.env.NOTIFY_EMAILS || DEMO_RECIPIENT,
    ...simulator.appEnv(),
    PRIVATE_KEY_PATH: undefined,
    ADMIN_TOKEN: adminToken,
    SESSION_SECRET: randomBytes(32).toString("hex"),
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info",
  };
  const config = loadConfig(env);
  const log = createLogger({ level: config.LOG_LEVEL });
  // The demo shows an installation arriving by webhook, so it does not look for existing ones at start.
  const app = await startPrSync({ config, env, log, discoverInstallations: false });
  simulator.setWebhookUrl(`${app.url}${WEBHOOK_PATH}`);

  const organization = ORGANIZATION_LOGINS[0];
  const installed = await simulator.sendInstallationCreated(IDS.installations[0]);
  const signInUser = [...simulator.data.accounts.values()].find((a) => a.id === 20_001)?.login;
  const statusUrl = `${publicUrl(config)}/status`;
  console.log(
    [
      "",
      `GitHub simulator:   ${simulator.url} (app ${simulator.appId})`,
      `pr-sync:            ${app.url}`,
      `Installed on ${organization} (installation ${IDS.installations[0]}, 3 repositories): webhook answered ${installed.status}`,
      "",
      `Status page:        ${statusUrl}`,
      `  Sign in with GitHub: the simulator approves at once and signs you in as ${signInUser} (an ${organization} admin).`,
      `  Or use the operator token: ${adminToken}`,
      "",
      `Every ${ACTIVITY_EVERY_MS / 1000} s a few pull requests change in ${organization}/api and ${organization}/web, with their webhooks.`,
      `When the first sync completes, the completion email to ${config.NOTIFY_EMAILS.join(", ")} is written to`,
      `  ${dataPath(config.DATA_DIR, "outbox")}/ (an .eml file; no email is sent).`,
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

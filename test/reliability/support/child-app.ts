/**
 * pr-sync in a process of its own, so a test can kill it with SIGKILL. Configuration comes from the
 * environment like main.ts; PR_SYNC_TEST_START holds start options (JSON) such as a short lock lifetime.
 */
import { loadConfig } from "../../../src/config.js";
import { createLogger } from "../../../src/logger.js";
import { startPrSync, type StartOptions } from "../../../src/start.js";

const config = loadConfig(process.env);
const start = JSON.parse(process.env.PR_SYNC_TEST_START ?? "{}") as Partial<StartOptions>;
const app = await startPrSync({
  config,
  env: process.env,
  log: createLogger({ level: config.LOG_LEVEL }),
  discoverInstallations: false,
  ...start,
});
process.stdout.write(`${JSON.stringify({ ready: app.url })}\n`);

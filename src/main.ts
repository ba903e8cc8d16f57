import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { envFilePath } from "./paths.js";
import { readEnvFile, withEnvFile } from "./setup/env-file.js";
import { startPrSync, type PrSync } from "./start.js";
import { StartupError } from "./startup-error.js";

// The .env file Probot's setup convention uses (and pr-sync's setup writes); real variables win over it.
const env = withEnvFile(process.env, readEnvFile(envFilePath));
let config;
try {
  config = loadConfig(env);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`pr-sync cannot start: invalid configuration\n${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

const log = createLogger({ level: config.LOG_LEVEL });

// Signals are handled from the first moment, so a SIGTERM during start-up also ends in a clean stop.
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: no new webhooks, draining jobs");
    started
      .then((app) => app.stop())
      .then(
        () => {
          log.info("stopped");
          process.exit(0);
        },
        (error: unknown) => {
          log.error({ err: error }, "shutdown failed");
          process.exit(1);
        },
      );
  });
}

const started: Promise<PrSync> = startPrSync({ config, env, log });
try {
  await started;
} catch (error) {
  if (error instanceof StartupError) {
    // A cause the operator can fix: one paragraph, no stack trace.
    log.fatal({ code: error.code }, error.message);
    process.stderr.write(`\npr-sync cannot start. ${error.message}\n`);
  } else log.fatal({ err: error }, "pr-sync could not start");
  process.exit(1);
}

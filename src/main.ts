import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { startPrSync, type PrSync } from "./start.js";

let config;
try {
  config = loadConfig(process.env);
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

const started: Promise<PrSync> = startPrSync({ config, env: process.env, log });
try {
  await started;
} catch (error) {
  log.fatal({ err: error }, "pr-sync could not start");
  process.exit(1);
}

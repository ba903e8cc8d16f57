import { ConfigError, loadConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { startPrSync } from "./start.js";

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
const app = await startPrSync({ config, env: process.env, log });

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: no new webhooks, draining jobs");
    app.stop().then(
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

import type pg from "pg";
import type { Logger } from "pino";
import type { Probot } from "probot";
import type { Config } from "./config.js";
import type { Database } from "./db/client.js";
import type { JobQueue } from "./jobs/job-queue.js";
import type { Metrics } from "./metrics/metrics.js";

/** Everything a running pr-sync process shares: built once in start.ts and handed to wiring code. */
export interface Runtime {
  config: Config;
  pool: pg.Pool;
  db: Database;
  log: Logger;
  probot: Probot;
  queue: JobQueue;
  now: () => Date;
  metrics: Metrics;
  /** Where an account installs the app (`<GitHub>/apps/<slug>/installations/new`), once its slug is known. */
  installUrl?: string;
  /** Job timings that tests shorten; production uses the defaults in start.ts. */
  tuning: {
    lockLifetimeMs: number;
    busyRetryMs: number;
    pauseJitterMs: number;
    /** How often a worker looks for dead workers' jobs and for waiting syncs with a free slot. */
    sweepMs: number;
    /** A dead worker's job touched more recently than this is left alone (a worker's lock survives a blip). */
    deadWorkerGraceMs: number;
  };
}

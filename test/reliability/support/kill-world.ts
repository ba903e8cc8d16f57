import type { GitHubSimulator } from "../../../simulator/index.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { startChildApp, type ChildApp } from "./child-process.js";
import { simulatorEnv, startSmallSimulator } from "./ground-truth.js";

/**
 * How the killed processes start. The job's lock keeps its production lifetime (five minutes): a job is taken
 * over because its dead worker's lock is gone, never because the job's own lock expired.
 */
const START = {
  octokit: { retries: 1, retryAfterBaseMs: 10 },
  processEveryMs: 200,
  retryBaseMs: 50,
  tuning: { lockLifetimeMs: 5 * 60_000, pauseJitterMs: 50, deadWorkerGraceMs: 300 },
};

/** Where pr-sync processes are killed mid-backfill: a database of its own and a simulator with slow pages. */
export interface KillWorld {
  database: TestDatabase;
  sim: GitHubSimulator;
  /** Starts pr-sync in a child process on this world (killed at the end if still running). */
  startApp: (options?: { env?: Record<string, string>; tuning?: Record<string, number> }) => Promise<ChildApp>;
  /** The processes started so far that have not exited. */
  live: () => ChildApp[];
  close: () => Promise<void>;
}

export async function createKillWorld(): Promise<KillWorld> {
  const database = await createTestDatabase();
  // Pages of 10 (GitHub times out on larger ones) with latency: about twenty slow pages to kill a process between.
  const sim = await startSmallSimulator({
    pullRequestsPerRepository: 200,
    pullRequestsWithManyReviews: 0,
    faults: { graphqlMaxFirst: 10, latencyMs: 100 },
  });
  const children: ChildApp[] = [];
  const running = (child: ChildApp) => child.process.exitCode === null && child.process.signalCode === null;
  return {
    database,
    sim,
    async startApp(options = {}) {
      const env = simulatorEnv(sim, {
        DATABASE_URL: database.url,
        PORT: "0",
        HOST: "127.0.0.1",
        BACKFILL_DAYS: "30",
        LOG_LEVEL: "info",
        ...options.env,
      });
      const child = await startChildApp(env, { ...START, tuning: { ...START.tuning, ...options.tuning } });
      children.push(child);
      return child;
    },
    live: () => children.filter(running),
    async close() {
      for (const child of children.filter(running)) child.process.kill("SIGKILL");
      await Promise.all(children.map((child) => child.exited));
      await sim.stop();
      await database.drop();
    },
  };
}

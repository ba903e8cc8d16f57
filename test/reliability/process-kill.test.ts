import type { GitHubSimulator } from "../../simulator/index.js";
import { WEBHOOK_PATH } from "../../src/start.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { waitFor } from "../support/wait.js";
import { startChildApp, type ChildApp } from "./support/child-process.js";
import {
  compareWithGroundTruth,
  INSTALLATION_ID,
  repositoryStates,
  simulatorEnv,
  startSmallSimulator,
} from "./support/ground-truth.js";
import { waitForSyncComplete } from "./support/sync-run.js";

// The job's lock keeps its production lifetime (five minutes): the restarted process takes the job over
// because the killed worker's lock is gone, not because the job's lock expired.
const START = {
  octokit: { retries: 1, retryAfterBaseMs: 10 },
  processEveryMs: 200,
  retryBaseMs: 50,
  tuning: { lockLifetimeMs: 5 * 60_000, pauseJitterMs: 50, deadWorkerGraceMs: 300 },
};

describe("pr-sync killed mid-backfill", () => {
  let database: TestDatabase;
  let sim: GitHubSimulator;
  const children: ChildApp[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    // Pages of 10 (GitHub times out on larger ones) with latency: about ten slow pages to kill the process between.
    sim = await startSmallSimulator({
      pullRequestsPerRepository: 200,
      pullRequestsWithManyReviews: 0,
      faults: { graphqlMaxFirst: 10, latencyMs: 100 },
    });
  });
  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null) child.process.kill("SIGKILL");
    await sim.stop();
    await database.drop();
  });

  it("resumes from its cursor after SIGKILL at a random page as soon as it restarts, and completes with no gap or duplicate", async () => {
    const env = simulatorEnv(sim, {
      DATABASE_URL: database.url,
      PORT: "0",
      HOST: "127.0.0.1",
      BACKFILL_DAYS: "30",
      LOG_LEVEL: "info",
    });
    const first = await startChildApp(env, START);
    children.push(first);
    sim.setWebhookUrl(`${first.url}${WEBHOOK_PATH}`);
    expect((await sim.sendInstallationCreated(INSTALLATION_ID)).status).toBe(200);

    const killAtPage = 2 + Math.floor(Math.random() * 5);
    await waitFor(async () => ((await repositoryStates(database.url))[0]?.pagesFetched ?? 0) >= killAtPage, {
      what: `page ${killAtPage}`,
    });
    first.process.kill("SIGKILL");
    expect(await first.exited).toBeNull();
    const [atKill] = await repositoryStates(database.url);
    expect(atKill).toMatchObject({ status: "syncing" });
    expect(atKill!.cursor).not.toBeNull();
    expect(atKill!.pagesFetched).toBeGreaterThanOrEqual(killAtPage);

    const second = await startChildApp(env, START);
    children.push(second);
    sim.setWebhookUrl(`${second.url}${WEBHOOK_PATH}`);
    await waitForSyncComplete(database.url, 30_000);

    const started = second.lines.filter((l) => l.msg === "sync started");
    expect(started[0]).toMatchObject({ resumed: true, cursor: JSON.parse(atKill!.cursor!) as object });
    const { stored, expected } = await compareWithGroundTruth(database.url, sim);
    expect(stored).toEqual(expected);
    expect(expected.length).toBeGreaterThan(50);
    second.process.kill("SIGKILL");
    await second.exited;
  });
});

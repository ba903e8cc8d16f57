import type { GitHubSimulator } from "../../simulator/index.js";
import { WEBHOOK_PATH } from "../../src/start.js";
import type { TestApp } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { compareWithGroundTruth, INSTALLATION_ID, startSmallSimulator } from "../reliability/support/ground-truth.js";
import { startAppOnSimulator, waitForSyncComplete } from "../reliability/support/sync-run.js";
import { waitFor } from "../support/wait.js";

const messages = (app: TestApp, msg: string) =>
  app.logs.map((line) => JSON.parse(line) as { msg: string }).filter((l) => l.msg === msg);

describe("PR_SYNC_ROLE: one web instance and two workers on one database", () => {
  let database: TestDatabase;
  let sim: GitHubSimulator;
  let web: TestApp;
  let workers: TestApp[];

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startSmallSimulator({ repositoriesPerOrganization: 4, pullRequestsWithManyReviews: 0 });
    // In-process workers keep the Jest worker's priority (test/jobs/worker-priority.test.ts covers lowering it).
    const worker = { PR_SYNC_ROLE: "worker", WORKER_NICENESS: "0" };
    // Workers that scan for due jobs only once a minute: the jobs the web instance queues must wake them.
    const start = { processEveryMs: 60_000 };
    workers = [
      await startAppOnSimulator(sim, database, { env: worker, start }),
      await startAppOnSimulator(sim, database, { env: worker, start }),
    ];
    web = await startAppOnSimulator(sim, database, { env: { PR_SYNC_ROLE: "web" } });
  });
  afterAll(async () => {
    await Promise.all([web, ...workers].map((app) => app.stop()));
    await sim.stop();
    await database.drop();
  });

  it("lets the web instance take webhooks and queue jobs while only the workers run them, each once", async () => {
    // The simulator delivers to the web instance, started last; a worker would answer 404.
    expect((await sim.sendInstallationCreated(INSTALLATION_ID)).status).toBe(200);
    await waitForSyncComplete(database.url);

    const { rows: runs } = await database.pool.query<{ repository_id: string | null; kind: string }>(
      "SELECT repository_id, kind FROM sync_runs ORDER BY repository_id NULLS LAST",
    );
    const { repositories, stored, expected } = await compareWithGroundTruth(database.url, sim);
    await waitFor(async () => (await database.pool.query("SELECT 1 FROM sync_runs WHERE kind = 'members'")).rowCount, {
      what: "the member sync",
    });
    expect(runs.filter((r) => r.kind === "backfill").map((r) => Number(r.repository_id))).toEqual(
      repositories.map((r) => r.id),
    );
    expect(stored).toEqual(expected);
    expect(messages(web, "sync started")).toEqual([]);
    expect(messages(web, "repository syncs queued")).toEqual([]);
    const onWorkers = (msg: string) => workers.flatMap((w) => messages(w, msg));
    expect(onWorkers("sync started")).toHaveLength(repositories.length);
    expect(onWorkers("repository syncs queued")).toHaveLength(1);
  });

  it("answers only /health and /metrics on a worker, and reports the web instance's queue as not running", async () => {
    const worker = workers[0]!;
    const webhook = await fetch(`${worker.url}${WEBHOOK_PATH}`, { method: "POST", body: "{}" });
    expect(webhook.status).toBe(404);
    expect((await fetch(`${worker.url}/status`)).status).toBe(404);
    const workerHealth = (await (await fetch(`${worker.url}/health`)).json()) as { jobQueue: { status: string } };
    expect(workerHealth.jobQueue.status).toBe("running");
    const webHealth = (await (await fetch(`${web.url}/health`)).json()) as { jobQueue: { status: string } };
    expect(webHealth.jobQueue.status).toBe("stopped");
  });
});

import type { GitHubSimulator } from "../../simulator/index.js";
import type { TestApp } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { waitFor } from "../support/wait.js";
import { INSTALLATION_ID, startSmallSimulator } from "../reliability/support/ground-truth.js";
import { startAppOnSimulator, waitForSyncComplete } from "../reliability/support/sync-run.js";

describe("an installation with more repositories than sync slots", () => {
  let database: TestDatabase;
  let sim: GitHubSimulator;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startSmallSimulator({
      repositoriesPerOrganization: 4,
      pullRequestsPerRepository: 40,
      pullRequestsWithManyReviews: 0,
      faults: { latencyMs: 20 },
    });
    // Agenda scans for due jobs once a minute here, and nothing sweeps: only the hand-over at the end of a
    // sync can start the next one within the test's time.
    app = await startAppOnSimulator(sim, database, {
      env: { INSTALLATION_SYNC_CONCURRENCY: "1" },
      start: { processEveryMs: 60_000, tuning: { sweepMs: 60_000, busyRetryMs: 60_000 } },
    });
  });
  afterAll(async () => {
    await app.stop();
    await sim.stop();
    await database.drop();
  });

  it("keeps the syncs beyond its slots waiting and starts the next one the moment a running one ends", async () => {
    expect((await sim.sendInstallationCreated(INSTALLATION_ID)).status).toBe(200);
    const queued = await waitFor(
      async () => {
        const { rows } = await database.pool.query<{ disabled: boolean }>(
          "SELECT disabled FROM agenda_jobs WHERE name = 'repository.sync'",
        );
        return rows.length === 4 && rows;
      },
      { what: "four queued syncs" },
    );
    // One admitted (queued or already running), three waiting; none of those takes a worker's concurrency.
    expect(queued.filter((r) => r.disabled).length).toBeGreaterThanOrEqual(2);

    await waitForSyncComplete(database.url, 30_000);
    const events = app.logs
      .map((line) => JSON.parse(line) as { msg: string; repositoryId?: number })
      .filter((l) => l.msg === "sync started" || l.msg === "sync complete")
      .map((l) => l.msg);
    // One slot: every sync starts after the previous one completed, and each starts exactly once.
    expect(events).toEqual(Array.from({ length: 4 }, () => ["sync started", "sync complete"]).flat());
  });
});

describe("a process whose sync places are all taken while more syncs are due", () => {
  let database: TestDatabase;
  let sim: GitHubSimulator;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startSmallSimulator({
      repositoriesPerOrganization: 3,
      pullRequestsPerRepository: 40,
      pullRequestsWithManyReviews: 0,
      faults: { latencyMs: 20 },
    });
    // Every sync is admitted (three slots), but the process runs one at a time. Agenda scans once a minute
    // and nothing sweeps: a due sync can only start in time if the end of the previous one hands its place on.
    app = await startAppOnSimulator(sim, database, {
      env: { INSTALLATION_SYNC_CONCURRENCY: "3", GLOBAL_SYNC_CONCURRENCY: "1" },
      start: { processEveryMs: 60_000, tuning: { sweepMs: 60_000, busyRetryMs: 60_000 } },
    });
  });
  afterAll(async () => {
    await app.stop();
    await sim.stop();
    await database.drop();
  });

  it("starts the next due sync as soon as a running one ends, without waiting for the next scan", async () => {
    expect((await sim.sendInstallationCreated(INSTALLATION_ID)).status).toBe(200);
    await waitForSyncComplete(database.url, 30_000);
    const events = app.logs
      .map((line) => JSON.parse(line) as { msg: string })
      .filter((l) => l.msg === "sync started" || l.msg === "sync complete")
      .map((l) => l.msg);
    // One place: the three syncs run one after the other, each exactly once.
    expect(events).toEqual(Array.from({ length: 3 }, () => ["sync started", "sync complete"]).flat());
  });
});

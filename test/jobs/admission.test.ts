import type { GitHubSimulator } from "../../simulator/index.js";
import type { TestApp } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { waitFor } from "../support/wait.js";
import { INSTALLATION_ID, startSmallSimulator } from "../reliability/support/ground-truth.js";
import { startAppOnSimulator, waitForSyncComplete } from "../reliability/support/sync-run.js";

/**
 * A database, a small simulator whose organization has `repositories` repositories, and pr-sync on them, for
 * the enclosing describe block. Agenda scans for due jobs once a minute here, and nothing sweeps: a due sync
 * can only start within a test's time if the end of the previous one hands its place on.
 */
function appOnSimulator(repositories: number, env: Record<string, string>) {
  const world = {} as { database: TestDatabase; sim: GitHubSimulator; app: TestApp };
  beforeAll(async () => {
    world.database = await createTestDatabase();
    world.sim = await startSmallSimulator({
      repositoriesPerOrganization: repositories,
      pullRequestsPerRepository: 40,
      pullRequestsWithManyReviews: 0,
      faults: { latencyMs: 20 },
    });
    world.app = await startAppOnSimulator(world.sim, world.database, {
      env,
      start: { processEveryMs: 60_000, tuning: { sweepMs: 60_000, busyRetryMs: 60_000 } },
    });
  });
  afterAll(async () => {
    await world.app.stop();
    await world.sim.stop();
    await world.database.drop();
  });
  return world;
}

/**
 * The app's "sync started" and "sync complete" lines, in order, once every repository is complete. A run is
 * complete in the database with its last page, and its job says so a moment later: the lines are waited for.
 */
async function syncEventsOnceComplete(world: { database: TestDatabase; app: TestApp }, syncs: number) {
  await waitForSyncComplete(world.database.url, 30_000);
  const events = () =>
    world.app.logs
      .map((line) => JSON.parse(line) as { msg: string })
      .filter((l) => l.msg === "sync started" || l.msg === "sync complete")
      .map((l) => l.msg);
  return waitFor(() => events().length >= 2 * syncs && events(), { what: "every sync's log lines" });
}

describe("an installation with more repositories than sync slots", () => {
  // One slot per installation.
  const world = appOnSimulator(4, { INSTALLATION_SYNC_CONCURRENCY: "1" });

  it("keeps the syncs beyond its slots waiting and starts the next one the moment a running one ends", async () => {
    expect((await world.sim.sendInstallationCreated(INSTALLATION_ID)).status).toBe(200);
    const queued = await waitFor(
      async () => {
        const { rows } = await world.database.pool.query<{ disabled: boolean }>(
          "SELECT disabled FROM agenda_jobs WHERE name = 'repository.sync'",
        );
        return rows.length === 4 && rows;
      },
      { what: "four queued syncs" },
    );
    // One admitted (queued or already running), three waiting; none of those takes a worker's concurrency.
    expect(queued.filter((r) => r.disabled).length).toBeGreaterThanOrEqual(2);

    const events = await syncEventsOnceComplete(world, 4);
    // One slot: every sync starts after the previous one completed, and each starts exactly once.
    expect(events).toEqual(Array.from({ length: 4 }, () => ["sync started", "sync complete"]).flat());
  });
});

describe("a process whose sync places are all taken while more syncs are due", () => {
  // Every sync is admitted (three slots), but the process runs one at a time.
  const world = appOnSimulator(3, { INSTALLATION_SYNC_CONCURRENCY: "3", GLOBAL_SYNC_CONCURRENCY: "1" });

  it("starts the next due sync as soon as a running one ends, without waiting for the next scan", async () => {
    expect((await world.sim.sendInstallationCreated(INSTALLATION_ID)).status).toBe(200);
    const events = await syncEventsOnceComplete(world, 3);
    // One place: the three syncs run one after the other, each exactly once.
    expect(events).toEqual(Array.from({ length: 3 }, () => ["sync started", "sync complete"]).flat());
  });
});

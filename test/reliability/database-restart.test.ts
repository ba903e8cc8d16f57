import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GitHubSimulator } from "../../simulator/index.js";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../src/db/embedded-postgres.js";
import type { TestApp } from "../support/app.js";
import type { TestDatabase } from "../support/database.js";
import { freePort } from "../support/ports.js";
import { waitFor } from "../support/wait.js";
import {
  compareWithGroundTruth,
  INSTALLATION_ID,
  repositoryStates,
  startSmallSimulator,
} from "./support/ground-truth.js";
import { startAppOnSimulator, waitForSyncComplete } from "./support/sync-run.js";

describe("PostgreSQL restarted in the middle of a backfill", () => {
  let server: EmbeddedDatabase;
  let sim: GitHubSimulator;
  let app: TestApp | undefined;

  afterEach(async () => {
    await app?.stop();
    await sim?.stop();
    await server?.stop();
  });

  it("fails the running job, answers 503 on /health while the database is away, then retries and completes with nothing lost", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pr-sync-db-restart-"));
    const port = await freePort();
    server = await startEmbeddedPostgres({ dataDir, port });
    const database = { url: server.url } as TestDatabase;
    // Small pages and some latency stretch the backfill over many pages, so the restart lands mid-run.
    sim = await startSmallSimulator({
      repositoriesPerOrganization: 1,
      pullRequestsPerRepository: 300,
      pullRequestsWithManyReviews: 0,
      faults: { graphqlMaxFirst: 10, latencyMs: 60 },
    });
    // A short job lock: the job whose worker lost the database is taken up again once its lock expires.
    app = await startAppOnSimulator(sim, database, {
      start: { tuning: { lockLifetimeMs: 3_000, pauseJitterMs: 50, busyRetryMs: 200 } },
    });
    expect((await sim.sendInstallationCreated(INSTALLATION_ID)).status).toBe(200);
    await waitFor(
      async () => (await repositoryStates(database.url)).some((r) => r.status === "syncing" && r.cursor !== null),
      {
        what: "a backfill in the middle of its pages",
      },
    );

    await server.stop();
    const down = await fetch(`${app.url}/health`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ status: "unavailable", database: "unavailable" });
    await new Promise((r) => setTimeout(r, 1_500));
    server = await startEmbeddedPostgres({ dataDir, port });

    await waitFor(async () => (await fetch(`${app!.url}/health`)).status === 200, { what: "/health to recover" });
    await waitForSyncComplete(database.url, 60_000);
    const { stored, expected, repositories } = await compareWithGroundTruth(database.url, sim);
    expect(repositories.map((r) => r.status)).toEqual(repositories.map(() => "complete"));
    expect(stored).toEqual(expected);
    expect(expected.length).toBeGreaterThan(50);
    expect(
      app.logs.some((l) => l.includes('"msg":"job failed"') || l.includes("sync failed; it will be retried")),
    ).toBe(true);
  }, 120_000);
});

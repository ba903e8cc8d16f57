import type { GitHubSimulator } from "../../simulator/index.js";
import type { TestApp } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { waitFor } from "../support/wait.js";
import {
  compareWithGroundTruth,
  INSTALLATION_ID,
  repositoryStates,
  startSmallSimulator,
} from "./support/ground-truth.js";
import { startAppOnSimulator, waitForSyncComplete } from "./support/sync-run.js";

describe("a backfill against GitHub faults", () => {
  let database: TestDatabase;
  let sim: GitHubSimulator;
  let app: TestApp | undefined;

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
    await sim?.stop();
    await database.drop();
  });

  it("completes with nothing lost when one response in ten is a 502 or 503 and some hit a secondary rate limit", async () => {
    // Pages of 25 give enough requests for one in ten to fail several times over.
    sim = await startSmallSimulator({
      repositoriesPerOrganization: 2,
      pullRequestsPerRepository: 200,
      pullRequestsWithManyReviews: 0,
      faults: { serverErrorRate: 0.1, serverErrorStatus: 503, retryAfterSeconds: 1, graphqlMaxFirst: 25 },
    });
    app = await startAppOnSimulator(sim, database, {
      start: { octokit: { retries: 3, retryAfterBaseMs: 10, secondaryRetries: 3, maxSecondaryWaitSeconds: 2 } },
    });
    expect((await sim.sendInstallationCreated(INSTALLATION_ID)).status).toBe(200);
    await waitFor(() => sim.requestLog.some((e) => e.path === "/api/graphql"), { what: "the first page" });
    sim.setFaults({ secondaryLimitNext: 2 });
    await waitForSyncComplete(database.url);

    const statuses = sim.requestLog.map((e) => e.status);
    expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 403).length).toBe(2);
    const { stored, expected, repositories } = await compareWithGroundTruth(database.url, sim);
    expect(repositories.map((r) => r.lastError)).toEqual(repositories.map(() => null));
    expect(stored).toEqual(expected);
    expect(expected.length).toBeGreaterThan(20);
  });

  it("pauses with the reset time when the installation's budget runs out mid-backfill and resumes by itself at the reset", async () => {
    sim = await startSmallSimulator({ pullRequestsWithManyReviews: 0, faults: { graphqlMaxFirst: 10 } });
    app = await startAppOnSimulator(sim, database, { env: { RATE_LIMIT_FLOOR: "1" } });
    // Enough points for the token, the member sync and a few pages, then a short window.
    sim.setRateLimit({ installationId: INSTALLATION_ID, resource: "graphql", limit: 3, windowMs: 3_000 });
    expect((await sim.sendInstallationCreated(INSTALLATION_ID)).status).toBe(200);

    const paused = await waitFor(
      async () => (await repositoryStates(database.url)).find((r) => r.status === "paused"),
      { what: "the sync to pause" },
    );
    expect(paused.rateLimitResetAt).toBeInstanceOf(Date);
    expect(paused.pausedUntil!.getTime()).toBeGreaterThanOrEqual(paused.rateLimitResetAt!.getTime());
    expect(paused.cursor).not.toBeNull();

    await waitForSyncComplete(database.url, 15_000);
    const { stored, expected } = await compareWithGroundTruth(database.url, sim);
    expect(stored).toEqual(expected);
  });

  it("gets a fresh installation token when GitHub says the current one expired mid-run, and no error surfaces", async () => {
    sim = await startSmallSimulator({ pullRequestsPerRepository: 500 });
    app = await startAppOnSimulator(sim, database);
    expect((await sim.sendInstallationCreated(INSTALLATION_ID)).status).toBe(200);
    await waitFor(() => sim.requestLog.some((e) => e.path === "/api/graphql" && e.status === 200), {
      what: "the first page",
    });
    sim.setFaults({ expireTokenOnNextUse: true });
    await waitForSyncComplete(database.url);

    const tokenRequests = sim.requestLog.filter((e) => /\/app\/installations\/\d+\/access_tokens$/.test(e.path));
    // @octokit/auth-app itself retries a 401 for a token younger than five seconds before pr-sync refreshes it.
    expect(sim.requestLog.filter((e) => e.status === 401).length).toBeGreaterThan(0);
    expect(tokenRequests.length).toBeGreaterThanOrEqual(2);
    const levels = app.logs.map((line) => (JSON.parse(line) as { level: number; msg: string }).level);
    expect(levels.filter((level) => level >= 50)).toEqual([]);
    expect(app.logs.filter((line) => line.includes('"msg":"job failed"'))).toEqual([]);
    const { stored, expected, repositories } = await compareWithGroundTruth(database.url, sim);
    expect(repositories.map((r) => r.lastError)).toEqual([null]);
    expect(stored).toEqual(expected);
  });

  it("keeps the newer snapshot of a pull request whichever of the webhook and the backfill page is written last", async () => {
    sim = await startSmallSimulator({ pullRequestsWithManyReviews: 0, faults: { latencyMs: 300 } });
    app = await startAppOnSimulator(sim, database);
    const repository = sim.groundTruth({ installationId: INSTALLATION_ID, since: new Date(0) }).repositories[0]!;
    const [newest, second] = repository.pullRequests;
    // A pull request edited on GitHub after the backfill read its page: the webhook is written first, the page after it.
    const edited = sim.pullRequestPayload(repository.id, newest!.number, "edited") as {
      pull_request: { title: string; updated_at: string };
    };
    edited.pull_request.title = "Edited after the page was read";
    edited.pull_request.updated_at = new Date(Date.parse(newest!.updatedAt) + 60_000).toISOString();
    // A delivery that arrives late, carrying the state from before the page the backfill writes.
    const stale = sim.pullRequestPayload(repository.id, second!.number, "edited") as {
      pull_request: { title: string; updated_at: string };
    };
    stale.pull_request.title = "Stale title from an old delivery";
    stale.pull_request.updated_at = new Date(Date.parse(second!.updatedAt) - 60_000).toISOString();

    expect((await sim.sendInstallationCreated(INSTALLATION_ID)).status).toBe(200);
    const secret = { secret: sim.webhookSecret };
    expect((await app.sendWebhook("pull_request", edited, secret)).status).toBe(200);
    const webhookWritten = Date.now();
    await waitForSyncComplete(database.url);
    expect((await app.sendWebhook("pull_request", stale, secret)).status).toBe(200);

    const firstPage = sim.requestLog.find((e) => e.path === "/api/graphql" && e.status === 200)!;
    expect(firstPage.at).toBeGreaterThan(webhookWritten);
    const { stored, expected } = await compareWithGroundTruth(database.url, sim);
    const withEdit = expected.map((pr) =>
      pr.id === newest!.id
        ? { ...pr, title: edited.pull_request.title, updatedAt: edited.pull_request.updated_at }
        : pr,
    );
    expect(stored).toEqual(withEdit);
    expect(stored.find((pr) => pr.id === second!.id)!.title).toBe(second!.title);
  });
});

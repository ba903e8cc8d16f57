import { runBench } from "../../bench/harness.js";
import { formatReport } from "../../bench/report.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe("npm run bench -- --quick", () => {
  it("measures both approaches against the simulator and reports every figure or why it was not measured", async () => {
    const results = await runBench({ quick: true, databaseUrl: database.url });

    expect(results.setup).toEqual({
      repositories: 2,
      pullRequestsInWindow: expect.any(Number) as unknown,
      latencyMs: 2,
      webhookRate: 50,
      webhookSeconds: 2,
    });
    expect(results.setup.pullRequestsInWindow).toBeGreaterThan(150);
    expect(results.naive.backfill.pullRequests).toBe(results.setup.pullRequestsInWindow);
    // Listing every pull request costs at least one page per 100, then one reviews request per pull request in the window.
    expect(results.naive.backfill.requests).toBeGreaterThanOrEqual(results.naive.backfill.pullRequests + 2);
    expect(results.naive.catchUpNoChanges.requests).toBe(2);
    expect(results.naive.catchUp50Changes.pullRequests).toBe(50);
    expect(results.naive.catchUp50Changes.requests).toBeGreaterThanOrEqual(2 + 50 * 2);
    expect(results.webhooks).toMatchObject({ rate: 50, seconds: 2, errors: 0 });
    expect(results.prSyncMemory.peakRssMb).toBeGreaterThanOrEqual(results.prSyncMemory.rssAtStartMb);
    expect(results.prSyncMemory.rssAtStartMb).toBeGreaterThan(0);
    for (const measure of Object.values(results.prSync))
      expect("notMeasured" in measure ? measure.notMeasured : measure.wallMs).toBeTruthy();
    // An idle catch-up spends at most one budget request per repository; token creation is counted apart.
    const idle = results.prSync.catchUpNoChanges;
    if (!("notMeasured" in idle)) expect(idle.restRequests + idle.graphqlRequests).toBeLessThanOrEqual(2);
    expect(results.statusPage).toMatchObject({ repositories: 100, rowsRendered: 100 });

    const report = formatReport(results);
    expect(report.split("\n")[0]).toMatch(/^Measure +\| pr-sync +\| naive REST +\| naive\/pr-sync +\| target/);
    expect(report).toContain("≤ 0.03 points/PR");
    expect(report).toContain("Status page, installation with 100 repositories");
    expect(report).toContain("Peak RSS of the pr-sync process");
  }, 120_000);
});

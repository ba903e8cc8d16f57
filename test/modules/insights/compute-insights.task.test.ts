import type { InsightsJobData } from "../../../src/modules/insights/insights.jobs.js";
import { installations, insights, pullRequests, repositories } from "../../../src/db/schema.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";

async function waitFor<T>(read: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the insights job", () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ database, env: { BACKFILL_DAYS: "7", LOG_LEVEL: "info" } });
  });

  afterAll(async () => {
    await app.stop();
    await database.drop();
  });

  it("stores the insights of the repository it is queued for, over BACKFILL_DAYS", async () => {
    const { db } = database;
    const now = new Date();
    const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);
    await db.insert(installations).values({ id: 5, accountLogin: "acme", accountId: 50, accountType: "Organization" });
    await db.insert(repositories).values({ id: 50, installationId: 5, fullName: "acme/api" });
    await db.insert(pullRequests).values(
      [
        { number: 1, created: 30, merged: 20 },
        { number: 2, created: 10 * 24, merged: 9 * 24 }, // outside a 7-day window
      ].map((p) => ({
        id: 5000 + p.number,
        repositoryId: 50,
        number: p.number,
        title: `PR ${p.number}`,
        state: "closed" as const,
        merged: true,
        createdAt: hoursAgo(p.created),
        updatedAt: hoursAgo(p.merged),
        closedAt: hoursAgo(p.merged),
        mergedAt: hoursAgo(p.merged),
        baseRef: "main",
        headRef: "x",
        url: `https://github.test/acme/api/pull/${p.number}`,
      })),
    );

    const data: InsightsJobData = { repositoryId: 50 };
    await app.runtime.queue.enqueue("insights.compute", data);
    const row = await waitFor(async () => (await db.select().from(insights))[0]);

    expect(row).toMatchObject({ repositoryId: 50, opened: 1, merged: 1, closedUnmerged: 0, reviews: 0 });
    expect(row.medianCycleHours).toBeCloseTo(10, 6);
    expect(row.windowEnd.getTime() - row.windowStart.getTime()).toBe(7 * 24 * 3_600_000);
  });
});

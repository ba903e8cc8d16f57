import { eq } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { installations, pullRequests, repositories, syncRuns, webhookDeliveries } from "../../../src/db/schema.js";
import { purgeExpiredData } from "../../../src/modules/installations/retention.usecases.js";

const DAY = 86_400_000;

describe("retention", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it("purges installations uninstalled more than RETENTION_DAYS ago with everything they own, and old delivery ids", async () => {
    const now = new Date("2026-11-22T03:30:00Z");
    const rows = [
      { id: 1, deletedAt: new Date(now.getTime() - 31 * DAY) },
      { id: 2, deletedAt: new Date(now.getTime() - 5 * DAY) },
      { id: 3, deletedAt: null },
    ];
    for (const row of rows) {
      await database.db.insert(installations).values({
        id: row.id,
        accountLogin: `org${row.id}`,
        accountId: row.id,
        accountType: "Organization",
        deletedAt: row.deletedAt,
      });
      await database.db.insert(repositories).values({
        id: 100 + row.id,
        installationId: row.id,
        fullName: `org${row.id}/r`,
        active: row.deletedAt === null,
      });
      await database.db.insert(pullRequests).values({
        id: 1000 + row.id,
        repositoryId: 100 + row.id,
        number: 1,
        title: "t",
        state: "open",
        createdAt: now,
        updatedAt: now,
        baseRef: "main",
        headRef: "x",
        url: "https://github.test/x",
      });
      await database.db
        .insert(syncRuns)
        .values({ installationId: row.id, repositoryId: 100 + row.id, kind: "backfill", startedAt: now });
    }
    await database.db.insert(webhookDeliveries).values([
      { id: "old", event: "push", receivedAt: new Date(now.getTime() - 8 * DAY) },
      { id: "recent", event: "push", receivedAt: new Date(now.getTime() - 1 * DAY) },
    ]);

    expect(await purgeExpiredData({ db: database.db, now, retentionDays: 30 })).toEqual({
      installations: 1,
      deliveries: 1,
    });
    expect((await database.db.select().from(installations)).map((i) => i.id).sort()).toEqual([2, 3]);
    expect((await database.db.select().from(repositories)).map((r) => r.id).sort()).toEqual([102, 103]);
    expect((await database.db.select().from(pullRequests)).map((p) => p.id).sort()).toEqual([1002, 1003]);
    expect(await database.db.select().from(syncRuns).where(eq(syncRuns.installationId, 1))).toEqual([]);
    expect((await database.db.select().from(webhookDeliveries)).map((d) => d.id)).toEqual(["recent"]);
  });
});

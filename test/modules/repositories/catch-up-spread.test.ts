import { installations, repositories } from "../../../src/db/schema.js";
import { AGENDA_TABLE } from "../../../src/jobs/job-queue.js";
import { catchUpOffsetMs } from "../../../src/modules/repositories/catch-up-spread.models.js";
import { catchUpEverything } from "../../../src/modules/repositories/catch-up.usecases.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";

const HOUR = 3_600_000;

describe("catch-up spread over a window", () => {
  it("gives an installation the same offset every day, inside the window", () => {
    for (const id of [1, 42, 9_999_999, 2 ** 33 + 5]) {
      const offset = catchUpOffsetMs(id, HOUR);
      expect(offset).toBe(catchUpOffsetMs(id, HOUR));
      expect(offset).toBeGreaterThanOrEqual(0);
      expect(offset).toBeLessThan(HOUR);
    }
    expect(catchUpOffsetMs(42, 0)).toBe(0);
  });

  it("spreads a thousand consecutively numbered installations evenly across the window", () => {
    const buckets = new Array<number>(10).fill(0);
    for (let id = 1_000; id < 2_000; id++) buckets[Math.floor(catchUpOffsetMs(id, HOUR) / (HOUR / 10))]! += 1;
    for (const count of buckets) expect(count).toBeGreaterThanOrEqual(80);
    for (const count of buckets) expect(count).toBeLessThanOrEqual(120);
  });

  describe("the daily run", () => {
    let database: TestDatabase;
    let app: TestApp;
    beforeAll(async () => {
      database = await createTestDatabase();
      // Jobs stay queued: this process only enqueues.
      app = await startTestApp({ database, start: { runJobs: false } });
      for (const id of [501, 502, 503]) {
        await database.db
          .insert(installations)
          .values({ id, accountLogin: `user${id}`, accountId: id, accountType: "User", suspendedAt: null });
        await database.db.insert(repositories).values({ id: id * 10, installationId: id, fullName: `user${id}/r` });
      }
      await database.db
        .insert(installations)
        .values({ id: 504, accountLogin: "gone", accountId: 504, accountType: "User", deletedAt: new Date() });
      await database.db
        .insert(installations)
        .values({ id: 505, accountLogin: "org505", accountId: 505, accountType: "Organization" });
    });
    afterAll(async () => {
      await app.stop();
      await database.drop();
    });

    it("queues each live installation's fan-out, and an organization's member sync, at its own offset and nothing before then", async () => {
      const now = new Date("2026-11-30T04:00:00Z");
      const summary = await catchUpEverything({ db: app.runtime.db, queue: app.runtime.queue, now, spreadMs: HOUR });
      expect(summary).toEqual({ queued: 0, alreadyQueued: 0, memberSyncs: 1, scheduled: 4 });
      const { rows } = await database.pool.query<{ name: string; data: { installationId: number }; at: Date }>(
        `SELECT name, data, next_run_at AS at FROM ${AGENDA_TABLE} ORDER BY (data->>'installationId')::int, name`,
      );
      const at = (id: number) => new Date(now.getTime() + catchUpOffsetMs(id, HOUR));
      expect(rows).toEqual(
        [
          ...[501, 502, 503, 505].map((id) => ({
            name: "repositories.fan-out",
            data: { installationId: id, repositoryIds: "all", kind: "catch-up" },
            at: at(id),
          })),
          { name: "members.sync", data: { installationId: 505 }, at: at(505) },
        ].sort((a, b) => a.data.installationId - b.data.installationId || a.name.localeCompare(b.name)),
      );
    });
  });
});

import { admitWaiting } from "../../src/jobs/admission.js";
import { AGENDA_TABLE } from "../../src/jobs/job-queue.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

describe("the order in which admitted syncs of several installations become due", () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    // Jobs stay queued: this process only enqueues.
    app = await startTestApp({ database, env: { INSTALLATION_SYNC_CONCURRENCY: "2" }, start: { runJobs: false } });
  });
  afterAll(async () => {
    await app.stop();
    await database.drop();
  });

  async function dueOrder() {
    const { rows } = await database.pool.query<{ repositoryId: number }>(
      `SELECT (data->>'repositoryId')::int AS "repositoryId" FROM ${AGENDA_TABLE}
        WHERE name = $1 AND NOT disabled ORDER BY next_run_at, id`,
      ["repository.sync"],
    );
    return rows.map((r) => r.repositoryId);
  }

  it("puts every installation's first sync ahead of any installation's second, whatever the order they were queued in", async () => {
    // Installation 1 is queued in full before installation 2, as two installation webhooks in a row would.
    for (const [installationId, repositoryIds] of [
      [1, [11, 12, 13]],
      [2, [21, 22, 23]],
    ] as const)
      for (const repositoryId of repositoryIds)
        await app.runtime.queue.enqueue("repository.sync", { repositoryId, installationId, kind: "backfill" });

    // Two slots each: the third of each waits; the second of installation 1 comes after the first of installation 2.
    expect(await dueOrder()).toEqual([11, 21, 12, 22]);
  });

  it("gives the head start again to the job admitted when an installation's last running sync ends", async () => {
    // Installation 1's admitted syncs end (a finished job's row is removed); its waiting one is admitted.
    await database.pool.query(`DELETE FROM ${AGENDA_TABLE} WHERE data->>'repositoryId' IN ('11', '12')`);
    await app.runtime.queue.sweep();

    expect(await dueOrder()).toEqual([21, 13, 22]);
  });

  it("admits a group's next jobs once however many processes admit for it at the same moment", async () => {
    for (const repositoryId of [31, 32, 33, 34, 35, 36])
      await app.runtime.queue.enqueue("repository.sync", { repositoryId, installationId: 3, kind: "backfill" });
    // Its two admitted syncs end together; eight processes hand their places on at once.
    await database.pool.query(`DELETE FROM ${AGENDA_TABLE} WHERE data->>'repositoryId' IN ('31', '32')`);
    const rule = { groupBy: "installationId", limit: 2 };
    const handedOn = await Promise.all(
      Array.from({ length: 8 }, () => admitWaiting(database.pool, AGENDA_TABLE, "repository.sync", rule, "3")),
    );

    expect(handedOn.flat().sort()).toHaveLength(2);
    expect((await dueOrder()).filter((id) => id > 30)).toEqual([33, 34]);
  });

  it("queues a batch of one installation's syncs as one enqueue each would: a pending one kept, the limit admitted, the rest waiting", async () => {
    const sync = (repositoryId: number) => ({ repositoryId, installationId: 4, kind: "backfill" as const });
    const alone = await app.runtime.queue.enqueue("repository.sync", sync(41));

    const batch = await app.runtime.queue.enqueueMany("repository.sync", [41, 42, 43, 44, 42].map(sync));

    expect(batch.map((r) => r.created)).toEqual([false, true, true, true, false]);
    expect(batch[0]!.jobId).toBe(alone.jobId);
    expect(batch[4]!.jobId).toBe(batch[1]!.jobId);
    // Two slots: 41 (queued alone, with the head start) and 42 are due; 43 and 44 wait their turn.
    expect((await dueOrder()).filter((id) => id > 40)).toEqual([41, 42]);
    const { rows } = await database.pool.query<{ id: number }>(
      `SELECT (data->>'repositoryId')::int AS id FROM ${AGENDA_TABLE} WHERE disabled AND data->>'installationId' = '4' ORDER BY 1`,
    );
    expect(rows.map((r) => r.id)).toEqual([43, 44]);
  });

  it("refuses a batch that spans admission groups", async () => {
    await expect(
      app.runtime.queue.enqueueMany("repository.sync", [
        { repositoryId: 51, installationId: 5, kind: "backfill" },
        { repositoryId: 61, installationId: 6, kind: "backfill" },
      ]),
    ).rejects.toThrow("one admission group");
  });
});

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
});

import nock from "nock";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { installationCreated } from "../support/webhook-examples.js";
import { AGENDA_TABLE } from "../../src/jobs/job-queue.js";
import type { RepositoryFanOutJobData } from "../../src/modules/repositories/repositories.jobs.js";
import { fanOutSyncs } from "../../src/modules/repositories/sync-requests.usecases.js";
import { ADMIN_TOKEN, statusEnv } from "./status-page/status-page.support.js";

describe("a large installation", () => {
  let database: TestDatabase;
  let app: TestApp;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    database = await createTestDatabase();
    app = await startTestApp({ database, env: statusEnv, start: { runJobs: false } });
  });
  afterAll(async () => {
    await app.stop();
    await database.drop();
  });
  it("answers installation.created for 2,000 repositories with one fan-out job instead of 2,000 enqueues", async () => {
    const repos = Array.from({ length: 2000 }, (_, i) => ({ id: 200_000 + i, name: `r${i}` }));
    const res = await app.sendWebhook(
      "installation",
      installationCreated({ installationId: 9, org: "big", repositories: repos }),
    );
    expect(res.status).toBe(200);
    const { rows } = await database.pool.query<{ name: string; count: number }>(
      `SELECT name, count(*)::int AS count FROM ${AGENDA_TABLE} GROUP BY name ORDER BY name`,
    );
    expect(rows).toEqual([
      { name: "members.sync", count: 1 },
      { name: "repositories.fan-out", count: 1 },
    ]);
    const tracked = await database.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM repositories WHERE installation_id = 9",
    );
    expect(tracked.rows[0]!.n).toBe(2000);
  });

  it("answers Sync all at once with one fan-out job, which then queues a sync per active repository", async () => {
    const repos = [
      { id: 300_001, name: "a" },
      { id: 300_002, name: "b" },
      { id: 300_003, name: "c" },
    ];
    await app.sendWebhook(
      "installation",
      installationCreated({ installationId: 10, org: "small", repositories: repos }),
    );
    await database.pool.query(`DELETE FROM ${AGENDA_TABLE} WHERE data->>'installationId' = '10'`);
    await database.pool.query("UPDATE repositories SET active = false WHERE id = 300003");

    const res = await fetch(`${app.url}/api/installations/10/sync`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({
      created: true,
      state: "queued",
      scope: "every active repository of the installation",
    });
    const { rows } = await database.pool.query<{ data: RepositoryFanOutJobData }>(
      `SELECT data FROM ${AGENDA_TABLE} WHERE name = 'repositories.fan-out' AND data->>'installationId' = '10'`,
    );
    expect(rows.map((r) => r.data)).toEqual([{ installationId: 10, repositoryIds: "all", kind: "catch-up" }]);

    // What the fan-out job runs: never-synced repositories get their backfill, removed ones nothing.
    expect(await fanOutSyncs({ db: app.runtime.db, queue: app.runtime.queue, ...rows[0]!.data })).toEqual({
      queued: 2,
      alreadyQueued: 0,
      skipped: 0,
    });
    const syncs = await database.pool.query(
      `SELECT data FROM ${AGENDA_TABLE} WHERE name = 'repository.sync' AND data->>'installationId' = '10' ORDER BY data->>'repositoryId'`,
    );
    expect(syncs.rows.map((r: { data: unknown }) => r.data)).toEqual([
      { repositoryId: 300_001, installationId: 10, kind: "backfill" },
      { repositoryId: 300_002, installationId: 10, kind: "backfill" },
    ]);
  });
});

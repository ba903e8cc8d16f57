import nock from "nock";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { installationCreated } from "../support/webhook-examples.js";
import { AGENDA_TABLE } from "../../src/jobs/job-queue.js";

describe("a large installation", () => {
  let database: TestDatabase;
  let app: TestApp;
  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    database = await createTestDatabase();
    app = await startTestApp({ database, start: { runJobs: false } });
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
    const tracked = await database.pool.query("SELECT count(*)::int AS n FROM repositories WHERE installation_id = 9");
    expect(tracked.rows[0].n).toBe(2000);
  });
});

import pino from "pino";
import { createPool } from "../../src/db/pool.js";
import { AGENDA_TABLE, createJobQueue } from "../../src/jobs/job-queue.js";
import { queueTestJob } from "../support/jobs.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { waitFor } from "../support/wait.js";

const syncDefinition = queueTestJob("repository.sync", () => Promise.resolve(), {
  admission: { groupBy: "installationId", limit: 2 },
});
const job = (repositoryId: number, installationId: number) => ({
  repositoryId,
  installationId,
  kind: "catch-up" as const,
});

describe("the job data fields that jobs are looked up by", () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  const indexesOf = async () =>
    (
      await database.pool.query<{ indexname: string; indexdef: string }>(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1 AND indexname LIKE $2 ORDER BY 1",
        [AGENDA_TABLE, `${AGENDA_TABLE}_by_%`],
      )
    ).rows;

  it("are indexed once, by instances registering their jobs at the same time", async () => {
    const log = pino({ level: "silent" });
    const queues = await Promise.all([1, 2, 3].map(() => createJobQueue({ pool: database.pool, log })));
    await Promise.all(queues.map((queue) => queue.register([syncDefinition])));

    expect(await indexesOf()).toEqual([
      {
        indexname: "agenda_jobs_by_installationid",
        indexdef: expect.stringContaining("(name, ((data ->> 'installationId'::text)))") as string,
      },
      {
        indexname: "agenda_jobs_by_repositoryid",
        indexdef: expect.stringContaining("(name, ((data ->> 'repositoryId'::text)))") as string,
      },
    ]);
  });

  it("are what queuing and admitting look jobs up by, through those indexes", async () => {
    // Sequential scans off for this pool's sessions: a lookup that could not use its index would scan anyway,
    // and leave the index's counter where it was.
    const url = new URL(database.url);
    url.searchParams.set("options", "-c enable_seqscan=off");
    const pool = createPool(url.toString());
    let ended = false;
    try {
      const queue = await createJobQueue({ pool, log: pino({ level: "silent" }) });
      await queue.register([syncDefinition]);
      const scans = async () => {
        const { rows } = await database.pool.query<{ indexrelname: string; idx_scan: string }>(
          "SELECT indexrelname, idx_scan FROM pg_stat_user_indexes WHERE indexrelname LIKE $1 ORDER BY 1",
          [`${AGENDA_TABLE}_by_%`],
        );
        return Object.fromEntries(rows.map((r) => [r.indexrelname, Number(r.idx_scan)]));
      };
      const before = await scans();

      // Three syncs of one installation: uniqueness looks up their repositories, admission counts the
      // installation's admitted jobs and the third waits.
      const results = await queue.enqueueMany("repository.sync", [job(1, 10), job(2, 10), job(3, 10)]);
      // The end of an admitted job admits the next one of its installation.
      await queue.cancel("repository.sync", { repositoryId: 1 });
      await queue.sweep();

      expect(results.map((r) => r.created)).toEqual([true, true, true]);
      const { rows } = await database.pool.query<{ repository: string; disabled: boolean }>(
        `SELECT data->>'repositoryId' AS repository, disabled FROM ${AGENDA_TABLE} ORDER BY 1`,
      );
      expect(rows).toEqual([
        { repository: "2", disabled: false },
        { repository: "3", disabled: false },
      ]);
      // A session reports its index scans when it ends (or after 10 s idle).
      await pool.end();
      ended = true;
      await waitFor(
        async () => {
          const after = await scans();
          return (
            after.agenda_jobs_by_repositoryid! > before.agenda_jobs_by_repositoryid! &&
            after.agenda_jobs_by_installationid! > before.agenda_jobs_by_installationid!
          );
        },
        { what: "both indexes to have been scanned" },
      );
    } finally {
      if (!ended) await pool.end();
    }
  });
});

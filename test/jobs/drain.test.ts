import pino from "pino";
import { AGENDA_TABLE, createJobQueue, type JobQueue } from "../../src/jobs/job-queue.js";
import { queueTestJob } from "../support/jobs.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { waitFor } from "../support/wait.js";

describe("draining the job queue at shutdown", () => {
  let database: TestDatabase;
  let queue: JobQueue;
  let release: () => void = () => {};
  let started = false;

  beforeAll(async () => {
    database = await createTestDatabase();
    queue = await createJobQueue({ pool: database.pool, log: pino({ level: "silent" }), processEveryMs: 200 });
    const definition = queueTestJob("insights.compute", async () => {
      started = true;
      await new Promise<void>((resolve) => (release = resolve));
    });
    await queue.register([definition]);
    await queue.start();
  });
  afterAll(async () => {
    release();
    await database.drop();
  });

  it("ends as soon as the running job has ended and its row is gone, not at its timeout", async () => {
    await queue.enqueue("insights.compute", { repositoryId: 1 });
    await waitFor(() => started, { what: "the job to start" });

    let drained = false;
    const drain = queue.drain(60_000).then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(drained).toBe(false);
    release();
    const first = await Promise.race([
      drain.then(() => "drained"),
      new Promise((resolve) => setTimeout(() => resolve("still draining after 20 s"), 20_000)),
    ]);

    expect(first).toBe("drained");
    const { rows } = await database.pool.query(`SELECT name FROM ${AGENDA_TABLE}`);
    expect(rows).toEqual([]);
  }, 30_000);
});

import pino from "pino";
import { createJobQueue, type JobQueue } from "../../src/jobs/job-queue.js";
import { queueTestJob } from "../support/jobs.js";
import type { RepositorySyncJobData } from "../../src/modules/repositories/repositories.jobs.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { waitFor } from "../support/wait.js";

describe("looking ahead at the jobs a process will run next", () => {
  let database: TestDatabase;
  let queue: JobQueue;
  const shown: number[][] = [];
  const started: number[] = [];
  let finish: () => void = () => {};

  beforeAll(async () => {
    database = await createTestDatabase();
    queue = await createJobQueue({ pool: database.pool, log: pino({ level: "silent" }), processEveryMs: 200 });
    const definition = queueTestJob(
      "repository.sync",
      async (data) => {
        started.push(data.repositoryId);
        await new Promise<void>((resolve) => (finish = resolve));
      },
      { lookahead: { jobs: 10, prepare: (upcoming) => shown.push(upcoming.map((data) => data.repositoryId)) } },
    );
    await queue.register([definition]);
  });

  afterAll(async () => {
    finish();
    await queue.drain(5_000);
    await database.drop();
  });

  it("shows the due jobs no worker holds, soonest first, when a job starts; not the running one, nor one due in an hour", async () => {
    const job = (repositoryId: number): RepositorySyncJobData => ({
      repositoryId,
      installationId: 5,
      kind: "backfill",
    });
    await queue.enqueue("repository.sync", job(1));
    await queue.enqueue("repository.sync", job(2), { at: new Date(Date.now() + 2_000) });
    await queue.enqueue("repository.sync", job(3), { at: new Date(Date.now() + 1_000) });
    await queue.enqueue("repository.sync", job(4), { at: new Date(Date.now() + 3_600_000) });
    await queue.start();

    await waitFor(() => started.length === 1, { what: "the first job to start" });
    const afterStart = await waitFor(() => shown.find((ids) => !ids.includes(1)), { what: "a look after the start" });
    expect(afterStart).toEqual([3, 2]);

    finish();
    await waitFor(() => started.length === 2, { what: "the next job" });
    expect(started).toEqual([1, 3]);
    await waitFor(() => shown.at(-1)?.join() === "2", { what: "a look after the hand-over" });
  });
});

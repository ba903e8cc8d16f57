import pg from "pg";
import pino from "pino";
import { createJobQueue, type JobQueue } from "../../src/jobs/job-queue.js";
import { queueTestJob } from "../support/jobs.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { waitFor } from "../support/wait.js";

/** Agenda's LISTEN/NOTIFY channels: jobs that are due, and (unused by pr-sync) every job's lifecycle. */
const DUE_CHANNEL = "agenda:jobs";
const LIFECYCLE_CHANNEL = "agenda:jobs:state";

describe("notices between processes' job queues", () => {
  let database: TestDatabase;
  let worker: JobQueue;
  let web: JobQueue;
  let listener: pg.Client;
  const ran: number[] = [];
  const heard: { channel: string; payload: string }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const definition = queueTestJob("insights.compute", (data) => {
      ran.push(data.repositoryId);
      return Promise.resolve();
    });
    const log = pino({ level: "silent" });
    // The worker scans for due jobs only once a minute: a job it runs within the test came by a notice.
    worker = await createJobQueue({ pool: database.pool, log, name: "worker", processEveryMs: 60_000 });
    await worker.register([definition]);
    web = await createJobQueue({ pool: database.pool, log, name: "web" });
    await web.register([definition]);
    await web.connectNotices();
    listener = new pg.Client({ connectionString: database.url });
    await listener.connect();
    listener.on("notification", (message) => heard.push({ channel: message.channel, payload: message.payload ?? "" }));
    await listener.query(`LISTEN "${DUE_CHANNEL}"`);
    await listener.query(`LISTEN "${LIFECYCLE_CHANNEL}"`);
    await worker.start();
  });
  afterAll(async () => {
    await worker.drain(5_000);
    await web.drain(5_000);
    await listener.end();
    await database.drop();
  });

  it("wakes a worker at once for a job another process queued, and sends nothing about the job's start or end", async () => {
    await web.enqueue("insights.compute", { repositoryId: 7 });
    await waitFor(() => ran.includes(7), { what: "the worker to run the job", timeoutMs: 10_000 });
    // Once its row is gone the job has ended and every notice about it has been sent.
    await waitFor(async () => (await web.pending("insights.compute", { repositoryId: 7 })).length === 0, {
      what: "the job's row to go",
    });

    expect(ran).toEqual([7]);
    expect(heard.filter((n) => n.channel === DUE_CHANNEL).length).toBeGreaterThanOrEqual(1);
    expect(heard.filter((n) => n.channel === LIFECYCLE_CHANNEL)).toEqual([]);
  });
});

import { WEBHOOK_PATH } from "../../src/start.js";
import type { GitHubSimulator } from "../../simulator/index.js";
import type { TestApp } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { staysTrue, waitFor, waitForEmailJobs } from "../support/wait.js";
import { compareWithGroundTruth, INSTALLATION_ID, startSmallSimulator } from "./support/ground-truth.js";
import { startRecordingSmtp, type RecordingSmtp } from "./support/smtp.js";
import { startAppOnSimulator, waitForSyncComplete } from "./support/sync-run.js";

describe("two pr-sync instances on one database", () => {
  let database: TestDatabase;
  let sim: GitHubSimulator;
  let smtp: RecordingSmtp;
  const apps: TestApp[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startSmallSimulator({ repositoriesPerOrganization: 3, pullRequestsWithManyReviews: 0 });
    smtp = await startRecordingSmtp();
    const env = { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, NOTIFY_EMAILS: "ops@example.com" };
    apps.push(await startAppOnSimulator(sim, database, { env }), await startAppOnSimulator(sim, database, { env }));
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    await smtp.close();
    await sim.stop();
    await database.drop();
  });

  it("runs every job once, sends one email and takes webhooks on either instance", async () => {
    const [a, b] = apps as [TestApp, TestApp];
    sim.setWebhookUrl(`${a.url}${WEBHOOK_PATH}`);
    expect((await sim.sendInstallationCreated(INSTALLATION_ID)).status).toBe(200);
    await waitForSyncComplete(database.url);
    await waitFor(() => smtp.messages.length === 1, { what: "the completion email" });

    // Each repository's backfill ran once, on one instance or the other, and the member sync once.
    const { rows: runs } = await database.pool.query<{ repository_id: string; kind: string; outcome: string }>(
      "SELECT repository_id, kind, outcome FROM sync_runs ORDER BY repository_id",
    );
    const { repositories, stored, expected } = await compareWithGroundTruth(database.url, sim);
    expect(runs).toEqual([
      ...repositories.map((r) => ({ repository_id: String(r.id), kind: "backfill", outcome: "complete" })),
      { repository_id: null, kind: "members", outcome: "complete" },
    ]);
    const started = [a, b].flatMap((app) => app.logs.filter((l) => l.includes('"msg":"sync started"')));
    expect(started).toHaveLength(repositories.length);
    expect(stored).toEqual(expected);

    // A webhook handled by the other instance lands in the same database.
    sim.setWebhookUrl(`${b.url}${WEBHOOK_PATH}`);
    const activity = await sim.simulateActivity({ repository: repositories[0]!.id, count: 3, newShare: 0 });
    expect(activity.deliveries.map((d) => d.status)).toEqual(activity.deliveries.map(() => 200));
    expect(b.logs.some((l) => l.includes("pull_request event received"))).toBe(true);
    // A webhook carries the pull request, not its earlier reviews: those of a pull request that re-enters the
    // window arrive with the next catch-up, so the fields are compared here.
    const after = await compareWithGroundTruth(database.url, sim);
    const withoutReviews = (list: typeof after.stored) => list.map(({ reviews: _reviews, ...pr }) => pr);
    expect(withoutReviews(after.stored)).toEqual(withoutReviews(after.expected));

    // Once no email job is left on either instance, a second email could only be one already in flight.
    await waitForEmailJobs(a.runtime.queue);
    await staysTrue(() => smtp.messages.length === 1, { forMs: 2_000, what: "one email received" });
    expect(smtp.messages).toHaveLength(1);
  });
});

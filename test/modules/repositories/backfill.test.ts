import nock from "nock";
import { eq } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import { installationCreated } from "../../support/webhook-examples.js";
import { fakeGitHub, fakePullRequest, type FakeGitHub } from "../../support/github-nock.js";
import { staysTrue, waitFor } from "../../support/wait.js";
import { emailNotifications, insights, pullRequests, repositories, reviews, syncRuns } from "../../../src/db/schema.js";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AGENDA_TABLE } from "../../../src/jobs/job-queue.js";
import { requestRepositorySync } from "../../../src/modules/repositories/sync-requests.usecases.js";
import type { StartOptions } from "../../../src/start.js";
import type { SyncStatus } from "../../../src/modules/repositories/repositories.table.js";

const INSTALLATION = 6001;
const REPO = { id: 9101, name: "api" };

describe("backfill", () => {
  let database: TestDatabase;
  let app: TestApp;
  let github: FakeGitHub;

  beforeEach(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    database = await createTestDatabase();
    github = fakeGitHub({ installationId: INSTALLATION, owner: "octo-org", name: "api" });
  });
  afterEach(async () => {
    await app?.stop();
    github.done();
    await database.drop();
    nock.enableNetConnect();
  });

  async function start(env: Record<string, string> = {}, options: Pick<StartOptions, "octokit"> = {}) {
    app = await startTestApp({ database, env, start: options });
    // Members are not this file's subject: an answer for the member sync the installation also queues.
    github.members = [{ databaseId: 1, login: "alice", name: null, role: "ADMIN" }];
  }

  async function install() {
    const res = await app.sendWebhook(
      "installation",
      installationCreated({ installationId: INSTALLATION, org: "octo-org", repositories: [REPO] }),
    );
    expect(res.status).toBe(200);
  }

  const repositoryRow = async () =>
    (await database.db.select().from(repositories).where(eq(repositories.id, REPO.id)))[0]!;
  /** Waits until the repository reaches `status` and answers its row then. */
  const repositoryWhen = (status: SyncStatus, what = `the repository to be ${status}`) =>
    waitFor(
      async () => {
        const row = await repositoryRow();
        return row.status === status ? row : undefined;
      },
      { what },
    );
  const prCalls = () => github.calls.filter((c) => c.operation !== "OrganizationMembersPage");

  it("stores every pull request updated in the window with all its reviews, and stops paging at the cutoff", async () => {
    const now = new Date();
    // 150 PRs inside 30 days (one with 130 reviews), 60 older ones that must not be fetched beyond the cutoff page.
    github.pullRequests = [
      ...Array.from({ length: 150 }, (_, i) =>
        fakePullRequest({ number: i + 1, now, hoursAgo: 1 + i * 4, reviewCount: i === 10 ? 130 : 2 }),
      ),
      ...Array.from({ length: 60 }, (_, i) => fakePullRequest({ number: 1000 + i, now, hoursAgo: 24 * 31 + i * 5 })),
    ];
    await start();
    const before = new Date();
    await install();
    const done = await repositoryWhen("complete", "backfill complete");

    expect(prCalls().map((c) => [c.operation, c.variables.first ?? null, c.variables.after ?? null])).toEqual([
      ["PullRequestsPage", 100, null],
      ["PullRequestReviewsPage", null, "100"],
      ["PullRequestsPage", 100, "100"],
    ]);
    const stored = await database.db.select().from(pullRequests).where(eq(pullRequests.repositoryId, REPO.id));
    expect(stored.map((p) => p.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    const reviewed = await database.db.select().from(reviews).where(eq(reviews.pullRequestId, 100_011));
    expect(reviewed).toHaveLength(130);
    expect((await database.db.select().from(reviews)).length).toBe(149 * 2 + 130);

    expect(done).toMatchObject({
      status: "complete",
      syncKind: "backfill",
      prsSynced: 150,
      reviewsSynced: 149 * 2 + 130,
      pagesFetched: 2,
      cursor: null,
      lastError: null,
      apiPoints: 3,
      lastRunPoints: 3,
    });
    expect(done.lastSyncedAt!.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(done.lastSyncedAt).toEqual(done.syncStartedAt);
    expect(done.historySince).toEqual(done.windowStart);
    expect(done.windowEnd!.getTime() - done.windowStart!.getTime()).toBe(30 * 86_400_000);
    expect(done.initialSyncFinishedAt).toBeInstanceOf(Date);
    const runs = await database.db.select().from(syncRuns).where(eq(syncRuns.repositoryId, REPO.id));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      kind: "backfill",
      outcome: "complete",
      prsWritten: 150,
      reviewsWritten: 428,
      graphqlPoints: 3,
    });
    expect(runs[0]!.apiRequests).toBeGreaterThanOrEqual(3);
    const completion = await waitFor(() => app.logs.find((l) => l.includes('"msg":"sync complete"')));
    expect(JSON.parse(completion)).toMatchObject({ prs: 150, firstSyncFinished: true });
  });

  it("maps pull requests from GraphQL like webhooks do: bots get REST's [bot] login, deleted authors none", async () => {
    const now = new Date();
    const bot = fakePullRequest({ number: 1, now, hoursAgo: 1 });
    bot.author = { __typename: "Bot", login: "dependabot", databaseId: 49699333 };
    const ghost = fakePullRequest({ number: 2, now, hoursAgo: 2 });
    ghost.author = null;
    const merged = {
      ...fakePullRequest({ number: 3, now, hoursAgo: 3 }),
      state: "MERGED" as const,
      merged: true,
      mergedAt: now.toISOString(),
      closedAt: now.toISOString(),
    };
    github.pullRequests = [bot, ghost, merged];
    await start();
    await install();
    await repositoryWhen("complete");
    const rows = await database.db.select().from(pullRequests).orderBy(pullRequests.number);
    expect(rows.map((r) => [r.number, r.authorLogin, r.authorId, r.authorType, r.state, r.merged])).toEqual([
      [1, "dependabot[bot]", 49699333, "Bot", "open", false],
      [2, null, null, null, "open", false],
      [3, "alice", 1, "User", "closed", true],
    ]);
  });

  it("pauses with the reset time when fewer than RATE_LIMIT_FLOOR points remain and resumes from its cursor at the reset", async () => {
    const now = new Date();
    github.pullRequests = Array.from({ length: 250 }, (_, i) =>
      fakePullRequest({ number: i + 1, now, hoursAgo: 1 + i }),
    );
    github.rateLimit = { remaining: 100, resetAt: new Date(Date.now() + 2_000), limit: 5_000 };
    await start();
    await install();
    const paused = await repositoryWhen("paused", "pause");
    expect(paused.prsSynced).toBe(100);
    expect(paused.pausedUntil!.getTime()).toBeGreaterThanOrEqual(github.rateLimit.resetAt.getTime());
    expect(JSON.parse(paused.cursor!)).toEqual({ after: "100" });
    // The pause is written by the job; Agenda saves the job's next run just after it returns.
    const rows = await waitFor(
      async () => {
        const { rows } = await database.pool.query<{ id: string; next_run_at: Date | null }>(
          `SELECT id, next_run_at FROM ${AGENDA_TABLE} WHERE name = 'repository.sync'`,
        );
        return rows[0]?.next_run_at ? rows : undefined;
      },
      { what: "the paused job's next run" },
    );
    expect(rows[0]!.next_run_at).toEqual(paused.pausedUntil);
    // Sync now during the pause answers with the paused job instead of queueing another.
    const during = await requestRepositorySync({
      db: app.runtime.db,
      queue: app.runtime.queue,
      repositoryId: REPO.id,
      kind: "catch-up",
    });
    expect(during).toEqual({ created: false, jobId: rows[0]!.id, nextRunAt: paused.pausedUntil, running: false });

    github.rateLimit = { remaining: 5_000, resetAt: new Date(Date.now() + 3_600_000), limit: 5_000 };
    const done = await repositoryWhen("complete", "resume and complete");
    expect(
      prCalls()
        .filter((c) => c.operation === "PullRequestsPage")
        .map((c) => c.variables.after ?? null),
    ).toEqual([null, "100", "200"]);
    expect(done).toMatchObject({ prsSynced: 250, pagesFetched: 3 });
    expect(done.lastSyncedAt).toEqual(paused.syncStartedAt);
  });

  it("treats GraphQL's RATE_LIMITED answer (HTTP 200) as a pause, not a failure", async () => {
    const now = new Date();
    github.pullRequests = [fakePullRequest({ number: 1, now, hoursAgo: 1 })];
    const reset = Math.floor(Date.now() / 1000) + 2;
    github.failNext = [
      {
        status: 200,
        body: { errors: [{ type: "RATE_LIMITED", message: "API rate limit exceeded for installation ID 6001." }] },
        headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(reset) },
      },
    ];
    await start();
    await install();
    const paused = await repositoryWhen("paused");
    expect(paused.rateLimitResetAt).toEqual(new Date(reset * 1000));
    await repositoryWhen("complete", "complete after reset");
    expect(await database.db.select().from(pullRequests)).toHaveLength(1);
  });

  it("shrinks the page when GitHub times out on a large one and carries on", async () => {
    const now = new Date();
    github.pullRequests = Array.from({ length: 30 }, (_, i) =>
      fakePullRequest({ number: i + 1, now, hoursAgo: 1 + i }),
    );
    github.failNext = [{ status: 502, body: { message: "Server Error" } }];
    await start();
    await install();
    const done = await repositoryWhen("complete");
    expect(prCalls().map((c) => c.variables.first)).toEqual([100, 50]);
    expect(done).toMatchObject({ prsSynced: 30, pageSize: 50 });
  });

  describe("with Octokit's retries on, as in production", () => {
    // GitHub's answer when it gave up building a GraphQL answer in its time limit.
    const timedOut = {
      status: 502,
      body: {
        data: null,
        errors: [
          {
            message:
              "Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include `A1B2:3C4D` when reporting this issue.",
          },
        ],
      },
    };
    const retries = { octokit: { retries: 3, retryAfterBaseMs: 10 } };
    const thirty = () =>
      Array.from({ length: 30 }, (_, i) => fakePullRequest({ number: i + 1, now: new Date(), hoursAgo: 1 + i }));

    it("halves a page of pull requests that timed out twice, instead of sending it three more times", async () => {
      github.pullRequests = thirty();
      github.failNext = [timedOut, timedOut];
      await start({}, retries);
      await install();
      expect(await repositoryWhen("complete")).toMatchObject({ prsSynced: 30, pageSize: 50 });
      expect(prCalls().map((c) => c.variables.first)).toEqual([100, 100, 50]);
    });

    it("sends a page that failed once again at the same size", async () => {
      github.pullRequests = thirty();
      github.failNext = [timedOut];
      await start({}, retries);
      await install();
      expect(await repositoryWhen("complete")).toMatchObject({ prsSynced: 30, pageSize: 100 });
      expect(prCalls().map((c) => c.variables.first)).toEqual([100, 100]);
    });

    it("keeps Octokit's three retries for the light queries: a reviews page failing three times", async () => {
      github.pullRequests = [fakePullRequest({ number: 1, now: new Date(), hoursAgo: 1, reviewCount: 130 })];
      const failure = { status: 502, body: { message: "Server Error" }, operation: "PullRequestReviewsPage" };
      github.failNext = [failure, failure, failure];
      await start({}, retries);
      await install();
      expect(await repositoryWhen("complete")).toMatchObject({ prsSynced: 1, reviewsSynced: 130, pageSize: 100 });
      expect(prCalls().map((c) => c.operation)).toEqual([
        "PullRequestsPage",
        ...Array.from({ length: 4 }, () => "PullRequestReviewsPage"),
      ]);
      const runs = await database.db.select().from(syncRuns).where(eq(syncRuns.repositoryId, REPO.id));
      expect(runs.map((r) => r.outcome)).toEqual(["complete"]);
    });
  });

  it("fails permanently without retrying when GitHub says the repository does not exist", async () => {
    github.repository = { owner: "someone", name: "else" };
    await start();
    await install();
    const failed = await repositoryWhen("error");
    expect(failed.lastErrorCode).toBe("REPOSITORY_NOT_FOUND");
    expect(failed.lastError).toContain("does not exist");
    // Not retried: no second call arrives in the window a retry would take.
    await staysTrue(() => prCalls().length === 1, { forMs: 1_000, what: "a single call" });
    const runs = await database.db.select().from(syncRuns).where(eq(syncRuns.repositoryId, REPO.id));
    expect(runs.map((r) => r.outcome)).toEqual(["error"]);
  });

  it("retries transient GitHub failures with backoff and completes", async () => {
    const now = new Date();
    github.pullRequests = [fakePullRequest({ number: 1, now, hoursAgo: 1 })];
    // 503 is not a page-size problem: the job fails, Agenda retries it with backoff.
    github.failNext = [
      { status: 503, body: { message: "Service Unavailable" } },
      { status: 503, body: { message: "Service Unavailable" } },
    ];
    await start();
    await install();
    const done = await repositoryWhen("complete");
    expect(prCalls()).toHaveLength(3);
    expect(done.lastError).toBeNull();
  });

  it("gives up after JOB_ATTEMPTS transient failures with a message a person understands", async () => {
    github.failNext = Array.from({ length: 3 }, () => ({ status: 503, body: { message: "Service Unavailable" } }));
    await start({ JOB_ATTEMPTS: "3" });
    await install();
    const failed = await repositoryWhen("error");
    expect(failed.lastErrorCode).toBe("GITHUB_UNAVAILABLE");
    expect(failed.lastError).toContain("Gave up after 3 tries; the next scheduled catch-up tries again.");
    expect(prCalls()).toHaveLength(3);
  });

  it("gets a fresh installation token when GitHub rejects the current one mid-run", async () => {
    const now = new Date();
    github.pullRequests = [fakePullRequest({ number: 1, now, hoursAgo: 1 })];
    // Octokit retries a 401 on a token younger than 5 s (replication lag); past that the sync asks for a new token.
    github.failNext = Array.from({ length: 4 }, () => ({ status: 401, body: { message: "Bad credentials" } }));
    await start();
    await install();
    await repositoryWhen("complete");
    expect(github.tokenRequests).toBe(2);
    expect((await repositoryRow()).lastError).toBeNull();
    expect(app.logs.some((l) => l.includes('"msg":"job failed"'))).toBe(false);
  });

  it("writes the last page and the run's completion as one: when the completion cannot be written, neither is kept", async () => {
    const now = new Date();
    github.pullRequests = Array.from({ length: 5 }, (_, i) => fakePullRequest({ number: i + 1, now, hoursAgo: 1 + i }));
    // PostgreSQL itself refuses to record a completed run (a stand-in for any failure of that write).
    await database.pool.query(`
      CREATE FUNCTION refuse_completed_run() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.outcome = 'complete' THEN RAISE EXCEPTION 'completed runs cannot be recorded'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER refuse_completed_run BEFORE INSERT ON sync_runs FOR EACH ROW EXECUTE FUNCTION refuse_completed_run();`);
    await start({ JOB_ATTEMPTS: "2" });
    // Agenda records each failure a second late: the repository shows the error while its job is still locked,
    // the moment a person would click "Sync now" on it.
    await database.pool.query(`
      CREATE FUNCTION record_failures_late() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_sleep(1); RETURN NEW; END $$;
      CREATE TRIGGER record_failures_late BEFORE UPDATE ON agenda_jobs FOR EACH ROW
        WHEN (NEW.fail_count IS DISTINCT FROM OLD.fail_count) EXECUTE FUNCTION record_failures_late();`);
    await install();
    const failed = await repositoryWhen("error");
    expect(failed.lastError).toMatch(/^The database failed \(P0001\): completed runs cannot be recorded\. Gave up/);
    expect(failed).toMatchObject({ prsSynced: 0, syncCompletedAt: null, lastSyncedAt: null });
    expect(await database.db.select().from(pullRequests)).toEqual([]);
    const outcomes = async () =>
      (await database.db.select().from(syncRuns).where(eq(syncRuns.repositoryId, REPO.id)).orderBy(syncRuns.id)).map(
        (r) => r.outcome,
      );
    expect(await outcomes()).toEqual(["error"]);

    await database.pool.query("DROP TRIGGER refuse_completed_run ON sync_runs");
    const again = await requestRepositorySync({
      db: app.runtime.db,
      queue: app.runtime.queue,
      repositoryId: REPO.id,
      kind: "backfill",
    });
    expect(again.created).toBe(true);
    await database.pool.query("DROP TRIGGER record_failures_late ON agenda_jobs");
    const done = await repositoryWhen("complete");
    expect(done).toMatchObject({ prsSynced: 5, cursor: null, lastError: null });
    expect(await database.db.select().from(pullRequests)).toHaveLength(5);
    expect(await outcomes()).toEqual(["error", "complete"]);
    // The failed run already ended the repository's first sync: this one is not its first to end.
    const completions = app.logs.filter((l) => l.includes('"msg":"sync complete"'));
    expect(completions.map((l) => (JSON.parse(l) as { firstSyncFinished: boolean }).firstSyncFinished)).toEqual([
      false,
    ]);
  });

  it("computes insights and sends the completion email once the installation's first sync has finished", async () => {
    const now = new Date();
    github.pullRequests = Array.from({ length: 5 }, (_, i) => fakePullRequest({ number: i + 1, now, hoursAgo: 1 + i }));
    const dataDir = mkdtempSync(join(tmpdir(), "pr-sync-outbox-"));
    await start({ DATA_DIR: dataDir, NOTIFY_EMAILS: "eng-leads@example.com" });
    await install();
    const [sent] = await waitFor(
      async () => {
        const rows = await database.db.select().from(emailNotifications);
        return rows[0]?.status === "sent" ? rows : undefined;
      },
      { what: "completion email" },
    );
    expect(sent).toMatchObject({ installationId: INSTALLATION, recipients: ["eng-leads@example.com"] });
    const files = readdirSync(join(dataDir, "outbox"));
    expect(files).toHaveLength(1);
    const eml = readFileSync(join(dataDir, "outbox", files[0]!), "utf8");
    expect(eml).toContain("To: eng-leads@example.com");
    expect(eml).toMatch(/Subject: .*octo-org/);
    const [row] = await waitFor(
      async () => {
        const rows = await database.db.select().from(insights).where(eq(insights.repositoryId, REPO.id));
        return rows.length ? rows : undefined;
      },
      { what: "insights" },
    );
    expect(row).toMatchObject({ opened: 5, merged: 0, reviews: 5 });
  });

  it("extends history to 90 days by skimming the stored range and fetching only the older pull requests", async () => {
    const now = new Date();
    // One pull request every 10 hours over 100 days: 72 in the first 30 days, 216 in 90.
    github.pullRequests = Array.from({ length: 240 }, (_, i) =>
      fakePullRequest({ number: i + 1, now, hoursAgo: 1 + i * 10 }),
    );
    await start();
    await install();
    const first = await repositoryWhen("complete");
    expect(first.prsSynced).toBe(72);
    await waitFor(
      async () => (await app.runtime.queue.pending("repository.sync", { repositoryId: REPO.id })).length === 0,
    );
    const callsBefore = prCalls().length;

    const request = await requestRepositorySync({
      db: app.runtime.db,
      queue: app.runtime.queue,
      repositoryId: REPO.id,
      kind: "backfill",
      days: 90,
    });
    expect(request.created).toBe(true);
    const extended = await waitFor(async () => {
      const row = await repositoryRow();
      return row.status === "complete" && row.syncCompletedAt! > first.syncCompletedAt! ? row : undefined;
    });
    // Page 1 (PRs 1–100) holds the stored range's end, so it is skimmed and then fetched in full from the same cursor.
    expect(
      prCalls()
        .slice(callsBefore)
        .map((c) => [c.operation, c.variables.after ?? null]),
    ).toEqual([
      ["PullRequestCursorsPage", null],
      ["PullRequestsPage", null],
      ["PullRequestsPage", "100"],
      ["PullRequestsPage", "200"],
    ]);
    expect(await database.db.select().from(pullRequests)).toHaveLength(216);
    expect(extended.lastSyncedAt).toEqual(first.lastSyncedAt);
    expect(extended.historySince!.getTime()).toBeLessThan(first.historySince!.getTime() - 59 * 86_400_000);
  });

  it("runs at most INSTALLATION_SYNC_CONCURRENCY syncs of one installation at a time", async () => {
    const now = new Date();
    github.pullRequests = Array.from({ length: 300 }, (_, i) =>
      fakePullRequest({ number: i + 1, now, hoursAgo: 1 + i }),
    );
    await start({ INSTALLATION_SYNC_CONCURRENCY: "1" });
    // Three repositories of one installation; the fake answers for octo-org/api only, the others fail fast.
    const res = await app.sendWebhook(
      "installation",
      installationCreated({
        installationId: INSTALLATION,
        org: "octo-org",
        repositories: [REPO, { id: 9102, name: "web" }, { id: 9103, name: "docs" }],
      }),
    );
    expect(res.status).toBe(200);
    let most = 0;
    await waitFor(
      async () => {
        const rows = await database.db.select().from(repositories).where(eq(repositories.installationId, INSTALLATION));
        most = Math.max(most, rows.filter((r) => r.status === "syncing").length);
        return rows.every((r) => r.status === "complete" || r.status === "error");
      },
      { what: "every repository to finish" },
    );
    expect(most).toBe(1);
    const runs = await database.db.select().from(syncRuns).where(eq(syncRuns.installationId, INSTALLATION));
    const spans = runs
      .filter((r) => r.kind !== "members")
      .map((r) => [r.startedAt.getTime(), r.finishedAt!.getTime()] as const)
      .sort((a, b) => a[0] - b[0]);
    expect(spans).toHaveLength(3);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
  });
});

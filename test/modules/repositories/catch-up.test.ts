import nock from "nock";
import { eq } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import { installationCreated } from "../../support/webhook-examples.js";
import { fakeGitHub, fakePullRequest, type FakeGitHub } from "../../support/github-nock.js";
import { waitFor } from "../../support/wait.js";
import { pullRequests, repositories, reviews, syncRuns } from "../../../src/db/schema.js";
import { requestRepositorySync } from "../../../src/modules/repositories/sync-requests.usecases.js";
import { catchUpEverything } from "../../../src/modules/repositories/catch-up.usecases.js";

const INSTALLATION = 6101;
const REPO = { id: 9201, name: "api" };
const MINUTE = 60_000;

describe("catch-up", () => {
  let database: TestDatabase;
  let app: TestApp;
  let github: FakeGitHub;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    database = await createTestDatabase();
    github = fakeGitHub({ installationId: INSTALLATION, owner: "octo-org", name: "api" });
    github.members = [{ databaseId: 1, login: "alice", name: null, role: "ADMIN" }];
    const now = new Date();
    github.pullRequests = Array.from({ length: 120 }, (_, i) =>
      fakePullRequest({ number: i + 1, now, hoursAgo: 2 + i * 3 }),
    );
    app = await startTestApp({ database });
    await app.sendWebhook(
      "installation",
      installationCreated({ installationId: INSTALLATION, org: "octo-org", repositories: [REPO] }),
    );
    await waitFor(async () => (await repositoryRow()).status === "complete", { what: "initial backfill" });
  });
  afterEach(() => github.verify());
  afterAll(async () => {
    await app.stop();
    github.done();
    await database.drop();
    nock.enableNetConnect();
  });

  const repositoryRow = async () =>
    (await database.db.select().from(repositories).where(eq(repositories.id, REPO.id)))[0]!;
  const prPages = () => github.calls.filter((c) => c.operation === "PullRequestsPage");

  /**
   * The previous run's job row lingers a moment after its status turns complete. requestRepositorySync waits for
   * it by itself; a fan-out (catchUpEverything) does not, and would find that job still there.
   */
  async function jobIdle() {
    await waitFor(
      async () => (await app.runtime.queue.pending("repository.sync", { repositoryId: REPO.id })).length === 0,
      {
        what: "previous sync job to finish",
      },
    );
  }

  async function syncNow() {
    const before = (await repositoryRow()).syncCompletedAt;
    const result = await requestRepositorySync({
      db: app.runtime.db,
      queue: app.runtime.queue,
      repositoryId: REPO.id,
      kind: "catch-up",
    });
    expect(result.created).toBe(true);
    return waitFor(
      async () => {
        const row = await repositoryRow();
        return row.status === "complete" && row.syncCompletedAt?.getTime() !== before?.getTime() ? row : undefined;
      },
      { what: "catch-up complete" },
    );
  }

  it("runs in a time zone other than UTC, so every timestamp is proven zone-independent", () => {
    expect(process.env.TZ).toBeTruthy();
    expect(Intl.DateTimeFormat().resolvedOptions().timeZone).not.toBe("UTC");
  });

  it("costs one request when nothing changed", async () => {
    const pagesBefore = prPages().length;
    const row = await syncNow();
    expect(prPages().length - pagesBefore).toBe(1);
    expect(row).toMatchObject({ syncKind: "catch-up", prsSynced: 0, lastRunPoints: 1 });
  });

  it("fetches only what changed since the last sync, updating pull requests in place with their reviews", async () => {
    const previous = await repositoryRow();
    const now = new Date();
    const changed = github.pullRequests.filter((p) => [5, 60, 110].includes(p.number));
    for (const pr of changed) {
      pr.updatedAt = now.toISOString();
      pr.title = `${pr.title} (edited)`;
    }
    changed[0]!.reviews[0]!.state = "DISMISSED";
    changed[1]!.reviews.push({
      databaseId: 5_555_555,
      state: "CHANGES_REQUESTED",
      submittedAt: now.toISOString(),
      author: { __typename: "User", login: "carol", databaseId: 33 },
    });
    const pagesBefore = prPages().length;
    const row = await syncNow();

    expect(
      prPages()
        .slice(pagesBefore)
        .map((c) => c.variables.after ?? null),
    ).toEqual([null]);
    expect(row).toMatchObject({ prsSynced: 3, status: "complete" });
    expect(row.windowStart).toEqual(new Date(previous.lastSyncedAt!.getTime() - 10 * MINUTE));
    expect(row.lastSyncedAt).toEqual(row.syncStartedAt);
    expect(row.lastSyncedAt!.getTime()).toBeGreaterThan(previous.lastSyncedAt!.getTime());
    const stored = await database.db.select().from(pullRequests).where(eq(pullRequests.repositoryId, REPO.id));
    expect(stored).toHaveLength(120);
    expect(
      stored
        .filter((p) => p.title.endsWith("(edited)"))
        .map((p) => p.number)
        .sort((a, b) => a - b),
    ).toEqual([5, 60, 110]);
    const [dismissed] = await database.db
      .select()
      .from(reviews)
      .where(eq(reviews.id, changed[0]!.reviews[0]!.databaseId));
    expect(dismissed!.state).toBe("DISMISSED");
    const [added] = await database.db.select().from(reviews).where(eq(reviews.id, 5_555_555));
    expect(added).toMatchObject({
      reviewerLogin: "carol",
      state: "CHANGES_REQUESTED",
      pullRequestId: changed[1]!.databaseId,
    });
  });

  it("catches a pull request updated while the previous run was paging, because the mark is that run's start", async () => {
    const previous = await repositoryRow();
    const duringRun = new Date(previous.syncStartedAt!.getTime() + 1);
    const late = fakePullRequest({ number: 500, now: duringRun, hoursAgo: 0 });
    github.pullRequests.push(late);
    await syncNow();
    const [row] = await database.db.select().from(pullRequests).where(eq(pullRequests.number, 500));
    expect(row).toMatchObject({ repositoryId: REPO.id, updatedAt: duringRun });
  });

  it("refetches within the overlap window but not before it", async () => {
    const previous = await repositoryRow();
    const mark = previous.lastSyncedAt!.getTime();
    const inside = fakePullRequest({ number: 601, now: new Date(mark - 5 * MINUTE), hoursAgo: 0 });
    const outside = fakePullRequest({ number: 602, now: new Date(mark - 15 * MINUTE), hoursAgo: 0 });
    github.pullRequests.push(inside, outside);
    await syncNow();
    const numbers = (await database.db.select().from(pullRequests)).map((p) => p.number);
    expect(numbers).toContain(601);
    expect(numbers).not.toContain(602);
  });

  it("does not page again the reviews of a pull request the overlap brings back unchanged", async () => {
    const previous = await repositoryRow();
    const busy = fakePullRequest({
      number: 700,
      now: new Date(previous.lastSyncedAt!.getTime() - 2 * MINUTE),
      hoursAgo: 0,
      reviewCount: 150,
    });
    github.pullRequests.push(busy);
    await syncNow();
    const reviewPages = () => github.calls.filter((c) => c.operation === "PullRequestReviewsPage").length;
    const afterFirst = reviewPages();
    expect((await database.db.select().from(reviews).where(eq(reviews.pullRequestId, busy.databaseId))).length).toBe(
      150,
    );
    // Still inside the next run's overlap, with the same updatedAt: its extra review page is not fetched again.
    await syncNow();
    expect(reviewPages()).toBe(afterFirst);
  });

  it("leaves the high-water mark where it was when a run fails, so the next run covers the gap", async () => {
    const previous = await repositoryRow();
    github.failNext = [{ status: 404, body: { message: "Not Found" } }];
    await requestRepositorySync({
      db: app.runtime.db,
      queue: app.runtime.queue,
      repositoryId: REPO.id,
      kind: "catch-up",
    });
    const failed = await waitFor(async () => {
      const row = await repositoryRow();
      return row.status === "error" ? row : undefined;
    });
    expect(failed.lastSyncedAt).toEqual(previous.lastSyncedAt);
    const runs = await database.db.select().from(syncRuns).where(eq(syncRuns.repositoryId, REPO.id));
    expect(runs.filter((r) => r.outcome === "error")).toHaveLength(1);
    const row = await syncNow();
    expect(row.windowStart).toEqual(new Date(previous.lastSyncedAt!.getTime() - 10 * MINUTE));
  });

  it("fans out one sync per active repository and answers with the queued one when a sync is already waiting", async () => {
    await jobIdle();
    const deps = { db: app.runtime.db, queue: app.runtime.queue };
    const [first, second] = await Promise.all([catchUpEverything(deps), catchUpEverything(deps)]);
    expect(first.queued + second.queued).toBe(1);
    expect(first.alreadyQueued + second.alreadyQueued).toBe(1);
    await waitFor(async () => (await repositoryRow()).status === "complete");
  });
});

import nock from "nock";
import { request } from "node:http";
import { eq } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { example, installationCreated, pullRequestEvent } from "../support/webhook-examples.js";
import { installations, members, pullRequests, repositories, reviews, webhookDeliveries } from "../../src/db/schema.js";
import { AGENDA_TABLE } from "../../src/jobs/job-queue.js";
import type { RepositoryFanOutJobData } from "../../src/modules/repositories/repositories.jobs.js";
import { fanOutSyncs } from "../../src/modules/repositories/sync-requests.usecases.js";

const ORG = "octo-org";
const INSTALLATION = 5001;
const REPO_A = { id: 9001, name: "api" };
const REPO_B = { id: 9002, name: "web" };

describe("webhooks", () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    database = await createTestDatabase();
    // Jobs are only queued here: running them (calls to GitHub) is the sync tests' business.
    app = await startTestApp({ database, start: { runJobs: false } });
  });
  afterAll(async () => {
    await app.stop();
    await database.drop();
    nock.enableNetConnect();
  });

  /** Runs the queued fan-out jobs (jobs do not run in this file) as their handler would. */
  async function runFanOuts() {
    const { rows } = await database.pool.query<{ id: string; data: RepositoryFanOutJobData }>(
      `SELECT id, data FROM ${AGENDA_TABLE} WHERE name = 'repositories.fan-out' AND next_run_at IS NOT NULL`,
    );
    for (const row of rows) {
      await fanOutSyncs({ db: app.runtime.db, queue: app.runtime.queue, ...row.data });
      await database.pool.query(`DELETE FROM ${AGENDA_TABLE} WHERE id = $1`, [row.id]);
    }
    return rows.map((r) => r.data);
  }

  async function queuedJobs(name: string) {
    if (name === "repository.sync") await runFanOuts();
    const { rows } = await database.pool.query<{ data: Record<string, unknown> }>(
      `SELECT data FROM ${AGENDA_TABLE} WHERE name = $1 AND next_run_at IS NOT NULL ORDER BY data->>'repositoryId'`,
      [name],
    );
    return rows.map((r) => r.data);
  }

  async function install() {
    const res = await app.sendWebhook(
      "installation",
      installationCreated({ installationId: INSTALLATION, org: ORG, repositories: [REPO_A, REPO_B] }),
      { delivery: "delivery-install-1" },
    );
    expect(res.status).toBe(200);
  }

  describe("delivery handling", () => {
    it("rejects a delivery with a bad signature and stores nothing", async () => {
      const payload = installationCreated({ installationId: 777, org: "evil", repositories: [{ id: 1, name: "x" }] });
      const res = await app.sendWebhook("installation", payload, { secret: "wrong-secret" });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(await database.db.select().from(installations).where(eq(installations.id, 777))).toEqual([]);
    });

    it("rejects a delivery without a signature", async () => {
      const res = await fetch(`${app.url}/api/github/webhooks`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": "installation",
          "x-github-delivery": "no-sig",
        },
        body: JSON.stringify(installationCreated({ installationId: 778, org: "evil", repositories: [] })),
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(await database.db.select().from(installations).where(eq(installations.id, 778))).toEqual([]);
    });

    it("answers a malformed JSON body with a 4xx and stores nothing", async () => {
      const res = await app.sendWebhook("installation", undefined, {
        rawBody: '{"action": "created", "installation": ',
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(await database.db.select().from(webhookDeliveries)).toEqual([]);
    });

    it("refuses a body over GitHub's 25 MB cap with 413 before reading it", async () => {
      const answer = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const req = request(`${app.url}/api/github/webhooks`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": String(26 * 1024 * 1024),
            "x-github-event": "push",
          },
        });
        req.on("response", (res) => {
          resolve({ status: res.statusCode ?? 0, connection: res.headers.connection });
          // The body it announced is never sent: end the request here rather than leave it open past the test.
          res.resume();
          req.destroy();
        });
        req.on("error", reject);
        req.flushHeaders();
      });
      expect(answer).toEqual({ status: 413, connection: "close" });
    });

    it("acknowledges an event it does not handle with 200 and ignores it", async () => {
      const res = await app.sendWebhook("star", example("star.created"));
      expect(res.status).toBe(200);
    });
  });

  describe("installation lifecycle", () => {
    it("records the installation, tracks its repositories as pending and queues one backfill each and a member sync", async () => {
      await install();
      const [installation] = await database.db.select().from(installations).where(eq(installations.id, INSTALLATION));
      expect(installation).toMatchObject({
        accountLogin: ORG,
        accountType: "Organization",
        repositorySelection: "selected",
        deletedAt: null,
        suspendedAt: null,
        memberSyncStatus: "pending",
      });
      const repos = await database.db.select().from(repositories).orderBy(repositories.id);
      expect(repos.map((r) => [r.id, r.fullName, r.status, r.active])).toEqual([
        [REPO_A.id, `${ORG}/api`, "pending", true],
        [REPO_B.id, `${ORG}/web`, "pending", true],
      ]);
      expect(repos[0]!.notificationBatch).toBe(repos[1]!.notificationBatch);
      expect(await queuedJobs("repository.sync")).toEqual([
        { repositoryId: REPO_A.id, installationId: INSTALLATION, kind: "backfill" },
        { repositoryId: REPO_B.id, installationId: INSTALLATION, kind: "backfill" },
      ]);
      expect(await queuedJobs("members.sync")).toEqual([{ installationId: INSTALLATION }]);
    });

    it("does not queue a second backfill when the same delivery arrives again", async () => {
      await install();
      expect(await queuedJobs("repository.sync")).toHaveLength(2);
      expect(app.logs.some((l) => l.includes("duplicate webhook delivery skipped"))).toBe(true);
    });

    it("does not queue a second backfill for a different delivery of the same event while one is queued", async () => {
      const res = await app.sendWebhook(
        "installation",
        installationCreated({ installationId: INSTALLATION, org: ORG, repositories: [REPO_A, REPO_B] }),
      );
      expect(res.status).toBe(200);
      expect(await queuedJobs("repository.sync")).toHaveLength(2);
      expect(await queuedJobs("members.sync")).toHaveLength(1);
    });

    it("tracks added repositories with a backfill of their own and retires removed ones", async () => {
      const added = example("installation_repositories.added");
      added.installation.id = INSTALLATION;
      added.repositories_added = [
        { id: 9003, node_id: "R_9003", name: "docs", full_name: `${ORG}/docs`, private: false },
      ];
      added.repository_selection = "all";
      expect((await app.sendWebhook("installation_repositories", added)).status).toBe(200);
      const [docs] = await database.db.select().from(repositories).where(eq(repositories.id, 9003));
      expect(docs).toMatchObject({ fullName: `${ORG}/docs`, status: "pending", active: true });
      const [owner] = await database.db.select().from(installations).where(eq(installations.id, INSTALLATION));
      expect(owner!.repositorySelection).toBe("all");
      const [api] = await database.db.select().from(repositories).where(eq(repositories.id, REPO_A.id));
      expect(docs!.notificationBatch).not.toBe(api!.notificationBatch);
      expect((await queuedJobs("repository.sync")).map((d) => d.repositoryId)).toEqual([REPO_A.id, REPO_B.id, 9003]);

      const removed = example("installation_repositories.removed");
      removed.installation.id = INSTALLATION;
      removed.repositories_removed = [
        { id: 9003, node_id: "R_9003", name: "docs", full_name: `${ORG}/docs`, private: false },
      ];
      expect((await app.sendWebhook("installation_repositories", removed)).status).toBe(200);
      const [after] = await database.db.select().from(repositories).where(eq(repositories.id, 9003));
      expect(after!.active).toBe(false);
      expect((await queuedJobs("repository.sync")).map((d) => d.repositoryId)).toEqual([REPO_A.id, REPO_B.id]);
    });

    it("records new permissions and starts a member sync when members permission is granted", async () => {
      const payload = example("installation.new_permissions_accepted");
      payload.installation.id = INSTALLATION;
      payload.installation.permissions = { metadata: "read", pull_requests: "read", members: "read" };
      await database.pool.query(`DELETE FROM ${AGENDA_TABLE} WHERE name = 'members.sync'`);
      expect((await app.sendWebhook("installation", payload)).status).toBe(200);
      const [installation] = await database.db.select().from(installations).where(eq(installations.id, INSTALLATION));
      expect(installation!.permissions).toEqual({ metadata: "read", pull_requests: "read", members: "read" });
      expect(installation!.permissionsAcceptedAt).toBeInstanceOf(Date);
      expect(await queuedJobs("members.sync")).toEqual([{ installationId: INSTALLATION }]);
    });
  });

  describe("repositories", () => {
    it("follows a rename by GitHub id and files the next pull request under the same repository", async () => {
      const renamed = example("repository.renamed");
      renamed.installation = { id: INSTALLATION, node_id: "I_1" };
      renamed.repository.id = REPO_A.id;
      renamed.repository.full_name = `${ORG}/api-server`;
      expect((await app.sendWebhook("repository", renamed)).status).toBe(200);
      const [repo] = await database.db.select().from(repositories).where(eq(repositories.id, REPO_A.id));
      expect(repo!.fullName).toBe(`${ORG}/api-server`);

      const pr = pullRequestEvent({
        installationId: INSTALLATION,
        repository: { id: REPO_A.id, fullName: `${ORG}/api-server` },
      });
      expect((await app.sendWebhook("pull_request", pr)).status).toBe(200);
      const [row] = await database.db.select().from(pullRequests).where(eq(pullRequests.id, pr.pull_request.id));
      expect(row).toMatchObject({
        repositoryId: REPO_A.id,
        number: pr.pull_request.number,
        title: pr.pull_request.title,
      });
    });

    it("flags archived repositories and retires deleted ones", async () => {
      const archived = example("repository.created");
      Object.assign(archived, { action: "archived" });
      archived.installation = { id: INSTALLATION, node_id: "I_1" };
      archived.repository.id = REPO_B.id;
      archived.repository.full_name = `${ORG}/web`;
      archived.repository.archived = true;
      expect((await app.sendWebhook("repository", archived)).status).toBe(200);
      const [repo] = await database.db.select().from(repositories).where(eq(repositories.id, REPO_B.id));
      expect(repo).toMatchObject({ archived: true, active: true });
    });
  });

  describe("pull requests and reviews", () => {
    const repo = { id: REPO_B.id, fullName: `${ORG}/web` };

    it("stores a pull request through the shared mapping, with its counts and refs", async () => {
      const payload = pullRequestEvent({
        installationId: INSTALLATION,
        repository: repo,
        pullRequest: { id: 70001, number: 11, updated_at: "2026-11-20T10:00:00Z" },
      });
      await app.sendWebhook("pull_request", payload);
      const [row] = await database.db.select().from(pullRequests).where(eq(pullRequests.id, 70001));
      expect(row).toMatchObject({
        repositoryId: REPO_B.id,
        number: 11,
        title: payload.pull_request.title,
        authorLogin: payload.pull_request.user.login,
        authorId: payload.pull_request.user.id,
        authorType: "User",
        state: "open",
        draft: payload.pull_request.draft,
        merged: false,
        additions: payload.pull_request.additions,
        deletions: payload.pull_request.deletions,
        changedFiles: payload.pull_request.changed_files,
        baseRef: payload.pull_request.base.ref,
        headRef: payload.pull_request.head.ref,
        url: payload.pull_request.html_url,
        updatedAt: new Date("2026-11-20T10:00:00Z"),
      });
    });

    it("never lets an older snapshot overwrite a newer one that arrived first", async () => {
      const newer = pullRequestEvent({
        action: "closed",
        installationId: INSTALLATION,
        repository: repo,
        pullRequest: {
          id: 70001,
          number: 11,
          state: "closed",
          title: "Newest title",
          updated_at: "2026-11-21T10:00:00Z",
          closed_at: "2026-11-21T10:00:00Z",
        },
      });
      const older = pullRequestEvent({
        action: "reopened",
        installationId: INSTALLATION,
        repository: repo,
        pullRequest: { id: 70001, number: 11, state: "open", title: "Stale title", updated_at: "2026-11-20T12:00:00Z" },
      });
      await app.sendWebhook("pull_request", newer);
      await app.sendWebhook("pull_request", older);
      const [row] = await database.db.select().from(pullRequests).where(eq(pullRequests.id, 70001));
      expect(row).toMatchObject({
        title: "Newest title",
        state: "closed",
        updatedAt: new Date("2026-11-21T10:00:00Z"),
      });
      expect(app.logs.some((l) => l.includes("stored pull request is newer than this delivery"))).toBe(true);
    });

    it("stores a deleted user's pull request with no author and a bot's under its REST login", async () => {
      const ghost = pullRequestEvent({
        installationId: INSTALLATION,
        repository: repo,
        pullRequest: { id: 70002, number: 12, user: { login: "ghost", id: 10137891, type: "User" } },
      });
      const bot = pullRequestEvent({
        installationId: INSTALLATION,
        repository: repo,
        pullRequest: { id: 70003, number: 13, user: { login: "dependabot[bot]", id: 49699333, type: "Bot" } },
      });
      const nullUser = pullRequestEvent({
        installationId: INSTALLATION,
        repository: repo,
        pullRequest: { id: 70004, number: 14, user: null },
      });
      for (const p of [ghost, bot, nullUser]) expect((await app.sendWebhook("pull_request", p)).status).toBe(200);
      const rows = await database.db
        .select()
        .from(pullRequests)
        .where(eq(pullRequests.repositoryId, REPO_B.id))
        .orderBy(pullRequests.id);
      expect(rows.filter((r) => r.id > 70001).map((r) => [r.id, r.authorLogin, r.authorId, r.authorType])).toEqual([
        [70002, null, null, null],
        [70003, "dependabot[bot]", 49699333, "Bot"],
        [70004, null, null, null],
      ]);
    });

    it("stores reviews, counting only reviews by someone other than the author as the first review", async () => {
      const prFields = {
        id: 70005,
        number: 15,
        updated_at: "2026-11-21T09:00:00Z",
        user: { login: "alice", id: 1, type: "User" },
      };
      const own = example("pull_request_review.submitted");
      Object.assign(own, { installation: { id: INSTALLATION } });
      own.repository.id = repo.id;
      own.repository.full_name = repo.fullName;
      Object.assign(own.pull_request, prFields);
      own.review = {
        ...own.review,
        id: 80001,
        state: "commented",
        submitted_at: "2026-11-21T08:00:00Z",
        user: { login: "alice", id: 1, type: "User" },
      };
      const other = structuredClone(own);
      other.review = {
        ...other.review,
        id: 80002,
        state: "approved",
        submitted_at: "2026-11-21T08:30:00Z",
        user: { login: "bob", id: 2, type: "User" },
      };
      expect((await app.sendWebhook("pull_request_review", own)).status).toBe(200);
      expect((await app.sendWebhook("pull_request_review", other)).status).toBe(200);
      const rows = await database.db.select().from(reviews).where(eq(reviews.pullRequestId, 70005)).orderBy(reviews.id);
      expect(rows.map((r) => [r.id, r.reviewerLogin, r.state, r.submittedAt?.toISOString()])).toEqual([
        [80001, "alice", "COMMENTED", "2026-11-21T08:00:00.000Z"],
        [80002, "bob", "APPROVED", "2026-11-21T08:30:00.000Z"],
      ]);
      const [pr] = await database.db.select().from(pullRequests).where(eq(pullRequests.id, 70005));
      expect(pr!.firstReviewAt).toEqual(new Date("2026-11-21T08:30:00Z"));

      const dismissed = structuredClone(other);
      Object.assign(dismissed, { action: "dismissed" });
      dismissed.review.state = "dismissed";
      expect((await app.sendWebhook("pull_request_review", dismissed)).status).toBe(200);
      expect((await app.sendWebhook("pull_request_review", other)).status).toBe(200);
      const [after] = await database.db.select().from(reviews).where(eq(reviews.id, 80002));
      expect(after!.state).toBe("DISMISSED");
    });

    it("applies GitHub's redelivery of a delivery that failed half-way, under the same delivery id", async () => {
      const broken = example("pull_request_review.submitted");
      Object.assign(broken, { installation: { id: INSTALLATION } });
      broken.repository.id = repo.id;
      broken.repository.full_name = repo.fullName;
      Object.assign(broken.pull_request, { id: 70009, number: 19, updated_at: "2026-11-21T09:00:00Z" });
      broken.review = { ...broken.review, id: 80009, state: "approved", submitted_at: "not a date" };
      const first = await app.sendWebhook("pull_request_review", broken, { delivery: "half-way-1" });
      expect(first.status).toBe(500);
      expect(await database.db.select().from(reviews).where(eq(reviews.id, 80009))).toEqual([]);

      const fixed = structuredClone(broken);
      fixed.review.submitted_at = "2026-11-21T08:59:00Z";
      const again = await app.sendWebhook("pull_request_review", fixed, { delivery: "half-way-1" });
      expect(again.status).toBe(200);
      const [review] = await database.db.select().from(reviews).where(eq(reviews.id, 80009));
      expect(review).toMatchObject({ pullRequestId: 70009, state: "APPROVED" });
    });

    it("ignores events for repositories it does not track, with a debug line", async () => {
      const payload = pullRequestEvent({
        installationId: INSTALLATION,
        repository: { id: 123456, fullName: "someone/else" },
        pullRequest: { id: 79999 },
      });
      expect((await app.sendWebhook("pull_request", payload)).status).toBe(200);
      expect(await database.db.select().from(pullRequests).where(eq(pullRequests.id, 79999))).toEqual([]);
      expect(
        app.logs.some((l) => l.includes("event for an untracked repository ignored") && l.includes("someone/else")),
      ).toBe(true);
    });
  });

  describe("organization members", () => {
    it("adds a member on member_added and marks them inactive on member_removed", async () => {
      const added = example("organization.member_added");
      added.installation = { id: INSTALLATION, node_id: "I_1" };
      added.membership.role = "admin";
      expect((await app.sendWebhook("organization", added)).status).toBe(200);
      const user = added.membership.user!;
      const userId = user.id;
      let [member] = await database.db.select().from(members).where(eq(members.userId, userId));
      expect(member).toMatchObject({
        installationId: INSTALLATION,
        login: user.login,
        role: "admin",
        active: true,
      });

      const removed = structuredClone(added);
      Object.assign(removed, { action: "member_removed" });
      expect((await app.sendWebhook("organization", removed)).status).toBe(200);
      [member] = await database.db.select().from(members).where(eq(members.userId, userId));
      expect(member).toMatchObject({ active: false });
      expect(member!.leftAt).toBeInstanceOf(Date);
    });
  });

  describe("suspension and uninstall", () => {
    it("pauses everything on suspend and on unsuspend resumes each repository (backfill until its first sync finished)", async () => {
      const suspend = example("installation.suspend");
      suspend.installation.id = INSTALLATION;
      expect((await app.sendWebhook("installation", suspend)).status).toBe(200);
      let [installation] = await database.db.select().from(installations).where(eq(installations.id, INSTALLATION));
      expect(installation!.suspendedAt).toBeInstanceOf(Date);
      expect(await queuedJobs("repository.sync")).toEqual([]);
      const repos = await database.db
        .select()
        .from(repositories)
        .where(eq(repositories.active, true))
        .orderBy(repositories.id);
      expect(repos.map((r) => [r.id, r.status, r.lastErrorCode])).toEqual([
        [REPO_A.id, "paused", "INSTALLATION_SUSPENDED"],
        [REPO_B.id, "paused", "INSTALLATION_SUSPENDED"],
      ]);

      const unsuspend = example("installation.unsuspend");
      unsuspend.installation.id = INSTALLATION;
      expect((await app.sendWebhook("installation", unsuspend)).status).toBe(200);
      [installation] = await database.db.select().from(installations).where(eq(installations.id, INSTALLATION));
      expect(installation!.suspendedAt).toBeNull();
      expect((await queuedJobs("repository.sync")).map((d) => [d.repositoryId, d.kind])).toEqual([
        [REPO_A.id, "backfill"],
        [REPO_B.id, "backfill"],
      ]);
    });

    it("marks the installation deleted, its repositories inactive and cancels its queued jobs on uninstall, keeping the data", async () => {
      const deleted = example("installation.deleted");
      deleted.installation.id = INSTALLATION;
      expect((await app.sendWebhook("installation", deleted)).status).toBe(200);
      const [installation] = await database.db.select().from(installations).where(eq(installations.id, INSTALLATION));
      expect(installation!.deletedAt).toBeInstanceOf(Date);
      const repos = await database.db.select().from(repositories).where(eq(repositories.installationId, INSTALLATION));
      expect(repos.every((r) => !r.active)).toBe(true);
      expect(await queuedJobs("repository.sync")).toEqual([]);
      expect(await queuedJobs("members.sync")).toEqual([]);
      expect((await database.db.select().from(pullRequests)).length).toBeGreaterThan(0);
    });
  });
});

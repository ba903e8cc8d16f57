import nock from "nock";
import { eq } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import { installationCreated } from "../../support/webhook-examples.js";
import { fakeGitHub, type FakeGitHub } from "../../support/github-nock.js";
import { staysTrue, waitFor } from "../../support/wait.js";
import { installations, members } from "../../../src/db/schema.js";
import { requestMemberSync } from "../../../src/modules/members/member-sync-requests.usecases.js";

const INSTALLATION = 6201;

describe("member sync", () => {
  let database: TestDatabase;
  let app: TestApp;
  let github: FakeGitHub;

  beforeEach(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    database = await createTestDatabase();
    github = fakeGitHub({ installationId: INSTALLATION, owner: "octo-org", name: "none" });
    app = await startTestApp({ database });
  });
  afterEach(async () => {
    await app.stop();
    github.done();
    await database.drop();
    nock.enableNetConnect();
  });

  const installationRow = async () =>
    (await database.db.select().from(installations).where(eq(installations.id, INSTALLATION)))[0]!;
  const memberCalls = () => github.calls.filter((c) => c.operation === "OrganizationMembersPage");

  function people(count: number, offset = 0) {
    return Array.from({ length: count }, (_, i) => ({
      databaseId: 50_000 + offset + i,
      login: `user${offset + i}`,
      name: i % 2 ? `User ${offset + i}` : null,
      role: i % 10 === 0 ? ("ADMIN" as const) : ("MEMBER" as const),
    }));
  }

  it("pages through every member with their role and records its own status", async () => {
    github.members = people(250);
    await app.sendWebhook(
      "installation",
      installationCreated({ installationId: INSTALLATION, org: "octo-org", repositories: [] }),
    );
    const done = await waitFor(async () => {
      const row = await installationRow();
      return row.memberSyncStatus === "complete" ? row : undefined;
    });
    expect(memberCalls().map((c) => c.variables.after ?? null)).toEqual([null, "100", "200"]);
    expect(done).toMatchObject({ memberCount: 250, memberSyncError: null });
    expect(done.memberSyncStartedAt).toBeInstanceOf(Date);
    expect(done.memberSyncCompletedAt).toBeInstanceOf(Date);
    const rows = await database.db.select().from(members).where(eq(members.installationId, INSTALLATION));
    expect(rows).toHaveLength(250);
    expect(rows.filter((m) => m.role === "admin")).toHaveLength(25);
    expect(rows.find((m) => m.userId === 50_001)).toMatchObject({
      login: "user1",
      name: "User 1",
      role: "member",
      active: true,
    });
  });

  it("marks members who left as inactive instead of deleting them", async () => {
    github.members = people(120);
    await app.sendWebhook(
      "installation",
      installationCreated({ installationId: INSTALLATION, org: "octo-org", repositories: [] }),
    );
    await waitFor(async () => (await installationRow()).memberSyncStatus === "complete");
    github.members = people(100);
    const request = await requestMemberSync({
      db: app.runtime.db,
      queue: app.runtime.queue,
      installationId: INSTALLATION,
    });
    expect(request.outcome).toBe("queued");
    await waitFor(async () => {
      const row = await installationRow();
      return row.memberSyncStatus === "complete" && row.memberCount === 100;
    });
    const rows = await database.db.select().from(members).where(eq(members.installationId, INSTALLATION));
    expect(rows).toHaveLength(120);
    expect(
      rows
        .filter((m) => !m.active)
        .map((m) => m.userId)
        .sort(),
    ).toEqual(people(20, 100).map((p) => p.databaseId));
    expect(rows.filter((m) => !m.active).every((m) => m.leftAt instanceof Date)).toBe(true);
  });

  it("marks a user-account installation not applicable without calling GitHub", async () => {
    github.expectCalls = false;
    await app.sendWebhook(
      "installation",
      installationCreated({ installationId: INSTALLATION, org: "octocat", accountType: "User", repositories: [] }),
    );
    await waitFor(async () => (await installationRow()) !== undefined);
    expect((await installationRow()).memberSyncStatus).toBe("not_applicable");
    const request = await requestMemberSync({
      db: app.runtime.db,
      queue: app.runtime.queue,
      installationId: INSTALLATION,
    });
    expect(request).toEqual({ outcome: "not_applicable" });
    await new Promise((r) => setTimeout(r, 500));
    expect(memberCalls()).toEqual([]);
    expect(github.tokenRequests).toBe(0);
  });

  it("tells the admin which permission to grant when members cannot be read, without retrying", async () => {
    github.failNext = [
      {
        operation: "OrganizationMembersPage",
        status: 200,
        body: {
          data: { organization: null },
          errors: [{ type: "FORBIDDEN", message: "Resource not accessible by integration" }],
        },
      },
    ];
    await app.sendWebhook(
      "installation",
      installationCreated({ installationId: INSTALLATION, org: "octo-org", repositories: [] }),
    );
    const failed = await waitFor(async () => {
      const row = await installationRow();
      return row.memberSyncStatus === "error" ? row : undefined;
    });
    expect(failed.memberSyncError).toContain('"Members: read"');
    // Not retried: no second call arrives in the window a retry would take.
    await staysTrue(() => memberCalls().length === 1, { forMs: 1_000, what: "a single call" });
  });
});

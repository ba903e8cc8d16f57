import nock from "nock";
import { eq } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import { installationCreated } from "../../support/webhook-examples.js";
import { GITHUB_HOST } from "../../support/github-nock.js";
import { installations, repositories } from "../../../src/db/schema.js";
import { AGENDA_TABLE } from "../../../src/jobs/job-queue.js";
import { createAppGitHub } from "../../../src/github/app-client.js";
import { discoverInstallations } from "../../../src/modules/installations/discovery.usecases.js";
import { installationWork } from "../../../src/modules/repositories/installation-repositories.usecases.js";

const KNOWN = 7101;
const MISSED = 7102;

function restInstallation(id: number, login: string, type: "Organization" | "User") {
  return {
    id,
    account: { login, id: id * 10, type },
    repository_selection: "selected",
    permissions: { metadata: "read", pull_requests: "read", members: "read" },
    suspended_at: null,
  };
}

describe("finding installations whose installation event never arrived", () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    database = await createTestDatabase();
    app = await startTestApp({ database, start: { runJobs: false } });
    await app.sendWebhook(
      "installation",
      installationCreated({ installationId: KNOWN, org: "known-org", repositories: [{ id: 9501, name: "a" }] }),
    );
  });
  afterAll(async () => {
    await app.stop();
    await database.drop();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it("sets up an installation GitHub lists and pr-sync does not know, and leaves known ones alone", async () => {
    const scope = nock(GITHUB_HOST)
      .get("/api/v3/app/installations")
      .query({ per_page: "100" })
      .reply(200, [
        restInstallation(KNOWN, "known-org", "Organization"),
        restInstallation(MISSED, "missed-org", "Organization"),
      ])
      .post(`/api/v3/app/installations/${MISSED}/access_tokens`)
      .reply(201, { token: "ghs_discovery", expires_at: new Date(Date.now() + 3_600_000).toISOString() })
      .get("/api/v3/installation/repositories")
      .query({ per_page: "100" })
      .reply(200, {
        total_count: 2,
        repositories: [
          { id: 9601, full_name: "missed-org/api", private: true, archived: false },
          { id: 9602, full_name: "missed-org/web", private: false, archived: true },
        ],
      });
    const before = await database.db.select().from(installations).where(eq(installations.id, KNOWN));

    // What the installations.discover job runs, called here so the other queued jobs stay queued.
    const result = await discoverInstallations({
      ...app.runtime,
      work: installationWork(app.runtime),
      github: createAppGitHub(app.runtime.probot),
    });
    expect(result).toEqual({ known: 1, discovered: [MISSED] });
    const [missed] = await database.db.select().from(installations).where(eq(installations.id, MISSED));
    expect(scope.isDone()).toBe(true);
    expect(missed).toMatchObject({ accountLogin: "missed-org", accountType: "Organization", deletedAt: null });
    const repos = await database.db
      .select()
      .from(repositories)
      .where(eq(repositories.installationId, MISSED))
      .orderBy(repositories.id);
    expect(repos.map((r) => [r.id, r.fullName, r.private, r.archived, r.status])).toEqual([
      [9601, "missed-org/api", true, false, "pending"],
      [9602, "missed-org/web", false, true, "pending"],
    ]);
    const after = await database.db.select().from(installations).where(eq(installations.id, KNOWN));
    expect(after).toEqual(before);
    const { rows } = await database.pool.query(
      `SELECT data FROM ${AGENDA_TABLE} WHERE name = 'repositories.fan-out' AND data->>'installationId' = $1`,
      [String(MISSED)],
    );
    expect(rows.map((r: { data: unknown }) => r.data)).toEqual([
      { installationId: MISSED, repositoryIds: [9601, 9602], kind: "backfill" },
    ]);
  });
});

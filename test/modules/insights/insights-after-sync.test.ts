import nock from "nock";
import { eq, sql } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import { installationCreated } from "../../support/webhook-examples.js";
import { fakeGitHub, fakePullRequest, type FakeGitHub } from "../../support/github-nock.js";
import { waitFor } from "../../support/wait.js";
import { insights, repositories } from "../../../src/db/schema.js";

const INSTALLATION = 6101;
const REPO = { id: 9201, name: "api" };

/** The log lines of one job name: the job runner tags each line its handler logs with the job's name. */
const linesOfJob = (logs: string[], name: string) => logs.filter((l) => l.includes(`"job":"${name}"`));

describe("insights after a sync", () => {
  let database: TestDatabase;
  let app: TestApp;
  let github: FakeGitHub;

  beforeEach(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    database = await createTestDatabase();
    github = fakeGitHub({ installationId: INSTALLATION, owner: "octo-org", name: REPO.name });
    github.members = [{ databaseId: 1, login: "alice", name: null, role: "ADMIN" }];
    const now = new Date();
    github.pullRequests = Array.from({ length: 4 }, (_, i) => fakePullRequest({ number: i + 1, now, hoursAgo: 2 + i }));
  });
  afterEach(async () => {
    await app?.stop();
    github.done();
    await database.drop();
    nock.enableNetConnect();
  });

  async function installAndWaitForInsights() {
    app = await startTestApp({ database });
    const res = await app.sendWebhook(
      "installation",
      installationCreated({ installationId: INSTALLATION, org: "octo-org", repositories: [REPO] }),
    );
    expect(res.status).toBe(200);
    const [row] = await waitFor(
      async () => {
        const rows = await database.db.select().from(insights).where(eq(insights.repositoryId, REPO.id));
        return rows.length ? rows : undefined;
      },
      { what: "the repository's insights" },
    );
    const [repository] = await database.db.select().from(repositories).where(eq(repositories.id, REPO.id));
    return { row: row!, repository: repository! };
  }

  it("are computed by the sync itself, with no insights job queued", async () => {
    const { row, repository } = await installAndWaitForInsights();

    expect(repository).toMatchObject({ status: "complete", prsSynced: 4 });
    expect(row).toMatchObject({ opened: 4, merged: 0, reviews: 4 });
    expect(linesOfJob(app.logs, "insights.compute")).toEqual([]);
    expect(app.logs.filter((l) => l.includes("could not compute insights"))).toEqual([]);
  });

  it("are left to the insights job when the sync cannot compute them, and the sync still completes", async () => {
    // The first write of insights fails; a sequence is not rolled back with the failed statement, so the
    // second (the insights job's) goes through.
    await database.db.execute(
      sql.raw(`
      CREATE SEQUENCE insights_writes;
      CREATE FUNCTION fail_first_insights_write() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('insights_writes') = 1 THEN RAISE EXCEPTION 'insights table unavailable'; END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER fail_first_insights_write BEFORE INSERT ON insights
        FOR EACH ROW EXECUTE FUNCTION fail_first_insights_write();`),
    );

    const { row, repository } = await installAndWaitForInsights();

    expect(repository).toMatchObject({ status: "complete", prsSynced: 4, lastError: null });
    expect(row).toMatchObject({ opened: 4, merged: 0, reviews: 4 });
    const warnings = app.logs.filter((l) => l.includes("could not compute insights after the sync"));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("insights table unavailable");
    expect(linesOfJob(app.logs, "insights.compute").some((l) => l.includes('"msg":"insights computed"'))).toBe(true);
  });
});

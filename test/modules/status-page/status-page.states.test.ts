import { startTestApp, type TestApp } from "../../support/app.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { Browser, insertInstallation, insertRepository, statusEnv } from "./status-page.support.js";

describe("status page empty and error states", () => {
  let database: TestDatabase;
  let app: TestApp;
  let operator: Browser;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startTestApp({ database, env: statusEnv, start: { runJobs: false } });
    operator = new Browser(app.url);
    await operator.signInAsOperator();
  });

  afterAll(async () => {
    await app.stop();
    await database.drop();
  });

  it("explains how to install the app when there are no installations", async () => {
    const html = await (await operator.fetch("/status")).text();
    expect(html).toContain("No installations yet");
    expect(html).toContain('href="https://github.test/settings/installations"');
  });

  it("says an installation has no repositories yet and does not poll", async () => {
    await insertInstallation(database, 11, "empty-org", { memberSyncStatus: "complete" });
    const html = await (await operator.fetch("/status/installations/11")).text();
    expect(html).toContain("No repositories yet.");
    expect(html).toContain("<strong>0 of 0</strong> repositories synced");
    expect(html).not.toContain("hx-trigger");
  });

  it("marks a deleted installation, offers no actions and refuses them", async () => {
    await insertInstallation(database, 12, "gone-org", { deletedAt: new Date() });
    await insertRepository(database, 1201, 12, "gone-org/app", { status: "syncing" });
    const html = await (await operator.fetch("/status/installations/12")).text();
    expect(html).toContain("Uninstalled");
    expect(html).not.toContain("Sync now");
    expect(html).not.toContain("hx-trigger");
    const csrf = await operator.csrf("/status");
    const res = await operator.post("/status/repositories/1201/sync", { _csrf: csrf, action: "sync" });
    expect(res.status).toBe(410);
    expect(await res.text()).toContain("pr-sync was uninstalled from gone-org.");
  });

  it("marks a suspended installation and says how to resume", async () => {
    await insertInstallation(database, 13, "frozen-org", { suspendedAt: new Date() });
    const html = await (await operator.fetch("/status/installations/13")).text();
    expect(html).toContain("Suspended");
    expect(html).toContain("unsuspended in GitHub&#x27;s settings");
  });
});

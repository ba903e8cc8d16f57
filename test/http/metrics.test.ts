import nock from "nock";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { installationCreated } from "../support/webhook-examples.js";

const ADMIN_TOKEN = "operator-token-0123456789abcdef";

describe("GET /metrics", () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    database = await createTestDatabase();
    app = await startTestApp({ database, env: { ADMIN_TOKEN }, start: { runJobs: false } });
  });
  afterAll(async () => {
    await app.stop();
    await database.drop();
    nock.enableNetConnect();
  });

  it("refuses a scraper without the operator token", async () => {
    expect((await fetch(`${app.url}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${app.url}/metrics`, { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).not.toContain("prsync_");
  });

  it("reports webhook deliveries by event and outcome, jobs by name and state, and repositories by status", async () => {
    const payload = installationCreated({
      installationId: 7001,
      org: "metrics-org",
      repositories: [{ id: 9301, name: "a" }],
    });
    await app.sendWebhook("installation", payload, { delivery: "metrics-1" });
    await app.sendWebhook("installation", payload, { delivery: "metrics-1" });
    await app.sendWebhook("installation", payload, { secret: "wrong" });
    const res = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain('prsync_webhook_deliveries_total{event="installation",outcome="handled"} 1');
    expect(text).toContain('prsync_webhook_deliveries_total{event="installation",outcome="duplicate"} 1');
    expect(text).toMatch(/prsync_webhook_deliveries_total\{event="[^"]*",outcome="rejected"\} 1/);
    expect(text).toContain('prsync_jobs{name="repositories.fan-out",state="queued"} 1');
    expect(text).toContain('prsync_jobs{name="members.sync",state="queued"} 1');
    expect(text).toContain('prsync_repositories{status="pending"} 1');
    expect(text).toContain("# TYPE prsync_sync_duration_seconds histogram");
    expect(text).toContain("# TYPE prsync_github_budget_remaining gauge");
    expect(text).toContain("# TYPE prsync_emails gauge");
  });
});

import nock from "nock";
import { eq } from "drizzle-orm";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { installationCreated, pullRequestEvent } from "../support/webhook-examples.js";
import { installations, pullRequests } from "../../src/db/schema.js";
import { ADMIN_TOKEN, Browser, statusEnv } from "../modules/status-page/status-page.support.js";

const INSTALLATION = 8001;
const REPO = { id: 9401, fullName: "bad-org/api" };
const HOSTILE_TITLE = `<script>alert(1)</script> '); DROP TABLE pull_requests; -- \u0007\u001b[31m tab\there`;
const HOSTILE_LOGIN = `<img src=x onerror=alert(1)>'--`;
const HOSTILE_BRANCH = `feature/"><svg onload=alert(1)>; DELETE FROM reviews;`;

describe("bad input", () => {
  let database: TestDatabase;
  let app: TestApp;
  const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };

  beforeAll(async () => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
    database = await createTestDatabase();
    app = await startTestApp({ database, env: statusEnv, start: { runJobs: false } });
    await app.sendWebhook(
      "installation",
      installationCreated({
        installationId: INSTALLATION,
        org: "bad-org",
        repositories: [{ id: REPO.id, name: "api" }],
      }),
    );
  });
  afterAll(async () => {
    await app.stop();
    await database.drop();
    nock.enableNetConnect();
  });

  it("acknowledges a pull request for an installation pr-sync never saw, stores nothing and logs why", async () => {
    const payload = pullRequestEvent({
      installationId: 424242,
      repository: { id: 777_777, fullName: "stranger/repo" },
      pullRequest: { id: 555_555 },
    });
    const res = await app.sendWebhook("pull_request", payload);
    expect(res.status).toBe(200);
    expect(await database.db.select().from(pullRequests).where(eq(pullRequests.id, 555_555))).toEqual([]);
    expect(await database.db.select().from(installations).where(eq(installations.id, 424242))).toEqual([]);
    expect(
      app.logs.some((l) => l.includes("event for an untracked repository ignored") && l.includes("stranger/repo")),
    ).toBe(true);
  });

  it("stores HTML, SQL and control characters in titles, logins and branch names exactly as sent", async () => {
    const payload = pullRequestEvent({
      installationId: INSTALLATION,
      repository: REPO,
      pullRequest: {
        id: 660_001,
        number: 7,
        title: HOSTILE_TITLE,
        user: { login: HOSTILE_LOGIN, id: 31337, type: "User" },
        head: { ref: HOSTILE_BRANCH, sha: "abc", label: "x", repo: null, user: null },
        updated_at: new Date().toISOString(),
      },
    });
    expect((await app.sendWebhook("pull_request", payload)).status).toBe(200);
    const [row] = await database.db.select().from(pullRequests).where(eq(pullRequests.id, 660_001));
    expect(row).toMatchObject({ title: HOSTILE_TITLE, authorLogin: HOSTILE_LOGIN, headRef: HOSTILE_BRANCH });
    const { rows } = await database.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pull_requests");
    expect(rows[0]!.n).toBe(1);
  });

  it("renders that title escaped on the status page and as plain data in the JSON API", async () => {
    const browser = new Browser(app.url);
    await browser.signInAsOperator();
    const html = await (await browser.fetch(`/status/installations/${INSTALLATION}`)).text();
    expect(html).toContain(">#7 &lt;script&gt;alert(1)&lt;/script&gt; ");
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).not.toContain("\u0007");
    expect(html).not.toContain("\u001b");
    const api = await fetch(`${app.url}/api/repositories/${REPO.id}`, { headers: bearer });
    expect(api.status).toBe(200);
    expect(api.headers.get("content-type")).toContain("application/json");
    const body: unknown = await api.json();
    expect(JSON.stringify(body)).toContain("<script>alert(1)</script>");
  });

  it.each([
    ["-1", 404],
    ["0", 404],
    ["1e3", 404],
    ["abc", 404],
    ["99999999999999999999999", 404],
    ["9007199254740993", 404],
    ["%00", 404],
  ])("answers an absurd repository id %s with %i, never a server error", async (id, status) => {
    const res = await fetch(`${app.url}/api/repositories/${id}`, { headers: bearer });
    expect(res.status).toBe(status);
    expect(await res.json()).toHaveProperty("error");
  });

  it("refuses absurd action parameters with 400 and queues nothing", async () => {
    for (const body of [{ action: "extend", days: 100000 }, { action: "extend", days: -5 }, { action: "explode" }]) {
      const res = await fetch(`${app.url}/api/repositories/${REPO.id}/sync`, {
        method: "POST",
        headers: { ...bearer, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(400);
    }
    const { rows } = await database.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM agenda_jobs WHERE name = 'repository.sync' AND data->>'days' IS NOT NULL",
    );
    expect(rows[0]!.n).toBe(0);
  });

  it("answers an oversized JSON API body with a client error instead of reading it all", async () => {
    const res = await fetch(`${app.url}/api/installations/${INSTALLATION}/recipients`, {
      method: "POST",
      headers: { ...bearer, "content-type": "application/json" },
      body: JSON.stringify({ emails: ["a@example.com"], padding: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
  });
});

import nock from "nock";
import { eq } from "drizzle-orm";
import { installations } from "../../../src/modules/installations/installations.table.js";
import { pullRequests } from "../../../src/modules/pull-requests/pull-requests.table.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import {
  ADMIN_TOKEN,
  Browser,
  CLIENT_ID,
  insertInstallation,
  insertRepository,
  statusEnv,
} from "./status-page.support.js";

const A = 101; // alice's installation
const B = 202; // bob's installation
const SUSPENDED = 303;

describe("status page", () => {
  let database: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    await insertInstallation(database, A, "alice-org");
    await insertInstallation(database, B, "bob-org");
    await insertInstallation(database, SUSPENDED, "frozen-org", { suspendedAt: new Date() });
    await insertRepository(database, 1001, A, "alice-org/api", { status: "syncing" });
    await insertRepository(database, 1002, A, "alice-org/<script>alert(1)</script>", { status: "complete" });
    await insertRepository(database, 2001, B, "bob-org/secret", { status: "complete" });
    await insertRepository(database, 3001, SUSPENDED, "frozen-org/app");
    await database.db.insert(pullRequests).values({
      id: 9001,
      repositoryId: 1001,
      number: 1,
      title: "<script>alert(1)</script>",
      state: "open",
      createdAt: new Date(),
      updatedAt: new Date(),
      baseRef: "main",
      headRef: "x",
      url: "https://github.test/alice-org/api/pull/1",
    });
    app = await startTestApp({ database, env: statusEnv, start: { runJobs: false } });
  });

  afterAll(async () => {
    await app.stop();
    await database.drop();
  });

  beforeEach(() => {
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
  });

  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    expect(pending).toEqual([]);
  });

  it("sends anonymous visitors to sign-in and answers 401 on the API", async () => {
    const page = await fetch(`${app.url}/status`, { redirect: "manual" });
    expect(page.status).toBe(303);
    expect(page.headers.get("location")).toBe("/status/sign-in");
    const api = await fetch(`${app.url}/api/installations/${A}`);
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: "NOT_SIGNED_IN" });
    const wrongBearer = await fetch(`${app.url}/api/installations`, { headers: { authorization: "Bearer nope" } });
    expect(wrongBearer.status).toBe(401);
  });

  it("signs a user in through GitHub and sets an HttpOnly, SameSite=Lax session cookie without Secure on http", async () => {
    const alice = new Browser(app.url);
    const start = await alice.fetch("/status/auth/github");
    const authorize = new URL(start.headers.get("location")!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe("https://github.test/login/oauth/authorize");
    expect(authorize.searchParams.get("client_id")).toBe(CLIENT_ID);
    expect(authorize.searchParams.get("redirect_uri")).toBe(`http://localhost:0/status/auth/github/callback`);
    expect(authorize.searchParams.get("state")).toBeTruthy();

    const done = await alice.signInWithGitHub("alice", [A]);
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/status");
    const cookie = done.headers.getSetCookie().find((c) => c.startsWith("prsync_session="))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).toMatch(/; Max-Age=28800/);
    expect(cookie).not.toMatch(/Secure/);
    expect(cookie).not.toContain("ghu_alice");
    expect(app.logs.join("\n")).not.toContain("ghu_alice");
  });

  it("refuses a GitHub callback whose state does not match the browser's", async () => {
    const mallory = new Browser(app.url);
    await mallory.fetch("/status/auth/github");
    const res = await mallory.fetch("/status/auth/github/callback?code=x&state=forged");
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("Sign-in did not work");
    expect(mallory.cookies.has("prsync_session")).toBe(false);
  });

  it("shows a user only their installations and answers 404 for anyone else's, on pages, the API and actions", async () => {
    const alice = new Browser(app.url);
    await alice.signInWithGitHub("alice", [A]);
    const list = await (await alice.fetch("/status")).text();
    expect(list).toContain("alice-org");
    expect(list).not.toContain("bob-org");

    expect((await alice.fetch(`/status/installations/${A}`)).status).toBe(200);
    expect((await alice.fetch(`/status/installations/${B}`)).status).toBe(404);
    expect((await alice.fetch(`/status/installations/${B}/live`)).status).toBe(404);
    expect((await alice.fetch(`/api/installations/${B}`)).status).toBe(404);
    expect((await alice.fetch(`/api/repositories/2001`)).status).toBe(404);
    const api = (await (await alice.fetch("/api/installations")).json()) as { installations: { id: number }[] };
    expect(api.installations.map((i) => i.id)).toEqual([A]);

    const csrf = await alice.csrf(`/status/installations/${A}`);
    expect((await alice.post("/status/repositories/2001/sync", { _csrf: csrf, action: "sync" })).status).toBe(404);
    expect((await alice.post(`/status/installations/${B}/sync`, { _csrf: csrf })).status).toBe(404);
    expect((await alice.post(`/status/installations/${B}/members/sync`, { _csrf: csrf })).status).toBe(404);
    const recipients = await alice.post(`/status/installations/${B}/recipients`, { _csrf: csrf, emails: "a@b.co" });
    expect(recipients.status).toBe(404);
    const [bob] = await database.db.select().from(installations).where(eq(installations.id, B));
    expect(bob!.notifyEmails).toEqual([]);
    expect(await app.runtime.queue.pending("repository.sync", { repositoryId: 2001 })).toEqual([]);
  });

  it("lets the operator see every installation, by the sign-in form or a bearer token", async () => {
    const operator = new Browser(app.url);
    expect((await operator.signInAsOperator("wrong-token-wrong-token")).status).toBe(401);
    expect((await operator.signInAsOperator()).status).toBe(303);
    const list = await (await operator.fetch("/status")).text();
    for (const account of ["alice-org", "bob-org", "frozen-org"]) expect(list).toContain(account);
    const api = await fetch(`${app.url}/api/installations/${B}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(api.status).toBe(200);
    expect(
      ((await api.json()) as { repositories: { fullName: string }[] }).repositories.map((r) => r.fullName),
    ).toEqual(["bob-org/secret"]);
  });

  it("rejects form posts and cookie-authenticated API posts without the CSRF token", async () => {
    const alice = new Browser(app.url);
    await alice.signInWithGitHub("alice", [A]);
    const noToken = await alice.post("/status/repositories/1001/sync", { action: "sync" });
    expect(noToken.status).toBe(403);
    expect(await noToken.text()).toContain("reload the page and retry");
    const badToken = await alice.post("/status/repositories/1001/sync", { action: "sync", _csrf: "guess" });
    expect(badToken.status).toBe(403);
    const api = await alice.fetch("/api/repositories/1001/sync", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(api.status).toBe(403);
    expect(await app.runtime.queue.pending("repository.sync", { repositoryId: 1001 })).toEqual([]);
    const signInWithoutToken = await new Browser(app.url).post("/status/sign-in", { token: ADMIN_TOKEN });
    expect(signInWithoutToken.status).toBe(403);
  });

  it("queues Sync now once and answers with the queued job's state when it is asked again", async () => {
    const alice = new Browser(app.url);
    await alice.signInWithGitHub("alice", [A]);
    const csrf = await alice.csrf(`/status/installations/${A}`);
    const first = await alice.post("/status/repositories/1001/sync", { _csrf: csrf, action: "sync" });
    expect(first.headers.get("location")).toBe(`/status/installations/${A}?notice=queued`);
    const again = await alice.post("/status/repositories/1001/sync", { _csrf: csrf, action: "sync" });
    expect(again.headers.get("location")).toBe(`/status/installations/${A}?notice=already-queued`);
    const page = await (await alice.fetch(again.headers.get("location")!)).text();
    expect(page).toContain("A sync of this repository is already queued");

    const api = await fetch(`${app.url}/api/repositories/1001/sync`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ action: "sync" }),
    });
    expect(api.status).toBe(200);
    expect(await api.json()).toMatchObject({ created: false, state: "queued" });
    expect(await app.runtime.queue.pending("repository.sync", { repositoryId: 1001 })).toHaveLength(1);
  });

  it("queues Extend history with the chosen days through the JSON API with a CSRF header", async () => {
    const alice = new Browser(app.url);
    await alice.signInWithGitHub("alice", [A]);
    const csrf = await alice.csrf(`/status/installations/${A}`);
    const res = await alice.fetch("/api/repositories/1002/sync", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify({ action: "extend", days: 90 }),
    });
    expect(res.status).toBe(202);
    const { rows } = await app.runtime.pool.query(
      `SELECT data FROM agenda_jobs WHERE name = 'repository.sync' AND data @> '{"repositoryId":1002}'`,
    );
    expect(rows.map((r: { data: unknown }) => r.data)).toEqual([
      { repositoryId: 1002, installationId: A, kind: "backfill", days: 90 },
    ]);
    const bad = await alice.fetch("/api/repositories/1002/sync", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body: JSON.stringify({ action: "extend", days: 100000 }),
    });
    expect(bad.status).toBe(400);
  });

  it("explains why a suspended installation cannot sync", async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    const res = await fetch(`${app.url}/api/repositories/3001/sync`, { method: "POST", headers: auth });
    expect(res.status).toBe(409);
    expect(await res.json()).toEqual({
      error: "INSTALLATION_SUSPENDED",
      message: "The installation on frozen-org is suspended; unsuspend it in GitHub's settings to sync again.",
    });
    const page = await fetch(`${app.url}/api/installations/${SUSPENDED}`, { headers: auth });
    expect(((await page.json()) as { installation: { badge: { label: string } } }).installation.badge.label).toBe(
      "Suspended",
    );
  });

  it("answers 404, never 500, for ids that are not positive safe integers", async () => {
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    for (const id of ["0", "-1", "abc", "1.5", "99999999999999999999", "9007199254740993", "424242"]) {
      const res = await fetch(`${app.url}/api/installations/${id}`, { headers: auth });
      expect([id, res.status]).toEqual([id, 404]);
      expect((await fetch(`${app.url}/api/repositories/${id}`, { headers: auth })).status).toBe(404);
    }
  });

  it("validates and saves notification recipients", async () => {
    const alice = new Browser(app.url);
    await alice.signInWithGitHub("alice", [A]);
    const csrf = await alice.csrf(`/status/installations/${A}`);
    const bad = await alice.post(`/status/installations/${A}/recipients`, { _csrf: csrf, emails: "ok@x.io, nope" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("These are not email addresses: nope.");
    const good = await alice.post(`/status/installations/${A}/recipients`, {
      _csrf: csrf,
      emails: "lead@alice.dev\nops@alice.dev",
    });
    expect(good.headers.get("location")).toBe(`/status/installations/${A}?notice=recipients-saved`);
    const [row] = await database.db.select().from(installations).where(eq(installations.id, A));
    expect(row!.notifyEmails).toEqual(["lead@alice.dev", "ops@alice.dev"]);
  });

  it("renders names and titles escaped and sends a Content-Security-Policy", async () => {
    const alice = new Browser(app.url);
    await alice.signInWithGitHub("alice", [A]);
    const res = await alice.fetch(`/status/installations/${A}`);
    const html = await res.text();
    expect(html).toContain("alice-org/&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(html).toContain('hx-trigger="every 3s"');
    const htmx = await fetch(`${app.url}/status/assets/htmx.min.js`);
    expect(htmx.status).toBe(200);
    expect(htmx.headers.get("content-type")).toContain("javascript");
  });

  it("signs out and forgets the session", async () => {
    const alice = new Browser(app.url);
    await alice.signInWithGitHub("alice", [A]);
    const csrf = await alice.csrf("/status");
    const out = await alice.post("/status/sign-out", { _csrf: csrf });
    expect(out.headers.getSetCookie().join()).toMatch(/prsync_session=; .*Max-Age=0/);
    expect((await alice.fetch("/status")).headers.get("location")).toBe("/status/sign-in");
  });
});

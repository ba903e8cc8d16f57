import nock from "nock";
import { STATUS_ACTIONS } from "../../../src/modules/status-page/status-page.actions.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import { API, Browser, insertInstallation, insertRepository, statusEnv, WEB } from "./status-page.support.js";

const ORG = 505;
const REPO = 5051;
const GITHUB = "https://github.test";

/** The path of each action on the test installation or its repository. */
const actionPath = (path: string) => path.replace(":id", String(path.startsWith("/repositories") ? REPO : ORG));
const formFor = (path: string): Record<string, string> =>
  path.endsWith("/recipients")
    ? { emails: "lead@example.com" }
    : path.startsWith("/repositories")
      ? { action: "sync" }
      : {};

describe("who may see and who may act", () => {
  let database: TestDatabase;
  let app: TestApp;
  let now = new Date();

  beforeAll(async () => {
    database = await createTestDatabase();
    await insertInstallation(database, ORG, `org-${ORG}`);
    await insertRepository(database, REPO, ORG, `org-${ORG}/api`, { status: "complete" });
    app = await startTestApp({ database, env: statusEnv, start: { runJobs: false, now: () => now } });
  });

  afterAll(async () => {
    await app.stop();
    await database.drop();
  });

  beforeEach(() => {
    now = new Date();
    nock.disableNetConnect();
    nock.enableNetConnect("127.0.0.1");
  });

  afterEach(() => {
    const pending = nock.pendingMocks();
    nock.cleanAll();
    nock.enableNetConnect();
    expect(pending).toEqual([]);
  });

  async function signIn(login: string, role: "admin" | "member") {
    const browser = new Browser(app.url);
    await browser.signInWithGitHub(login, [ORG], { roles: { [ORG]: role } });
    return { browser, csrf: await browser.csrf(`/status/installations/${ORG}`) };
  }

  async function tryEveryAction(browser: Browser, csrf: string) {
    const outcome: Record<string, { html: number; json: number }> = {};
    for (const action of STATUS_ACTIONS) {
      const path = actionPath(action.path);
      const html = await browser.post(`/status${path}`, { _csrf: csrf, ...formFor(action.path) });
      const json = await browser.fetch(`/api${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": csrf },
        body: JSON.stringify(formFor(action.path)),
      });
      outcome[path] = { html: html.status, json: json.status };
    }
    return outcome;
  }

  it("lets a member see the installation and refuses them every action, on the page and in the JSON API", async () => {
    const { browser, csrf } = await signIn("mia", "member");
    expect((await browser.fetch(`/status/installations/${ORG}`)).status).toBe(200);
    expect((await browser.fetch(`/api/installations/${ORG}`)).status).toBe(200);
    const outcome = await tryEveryAction(browser, csrf);
    for (const [path, statuses] of Object.entries(outcome))
      expect({ path, ...statuses }).toEqual({ path, html: 403, json: 403 });
    const answer = await browser.fetch(`/api/installations/${ORG}/sync`, {
      method: "POST",
      headers: { "x-csrf-token": csrf },
    });
    expect(await answer.json()).toMatchObject({ error: "FORBIDDEN" });
  });

  it("lets an owner do every action", async () => {
    const { browser, csrf } = await signIn("olga", "admin");
    const outcome = await tryEveryAction(browser, csrf);
    for (const [path, { html, json }] of Object.entries(outcome)) {
      expect({ path, html }).toEqual({ path, html: 303 });
      expect({ path, acted: [200, 202].includes(json) }).toEqual({ path, acted: true });
    }
  });

  it("gives a member who is made owner the rights at the next sign-in", async () => {
    const first = await signIn("max", "member");
    const before = await first.browser.post(`/status/installations/${ORG}/sync`, { _csrf: first.csrf });
    expect(before.status).toBe(403);
    const again = await signIn("max", "admin");
    const after = await again.browser.post(`/status/installations/${ORG}/sync`, { _csrf: again.csrf });
    expect(after.status).toBe(303);
  });

  it("shows nothing to someone GitHub lists but who is not a member of the organization", async () => {
    const browser = new Browser(app.url);
    await browser.signInWithGitHub("otto", [ORG], { roles: { [ORG]: null } });
    expect((await browser.fetch(`/status/installations/${ORG}`)).status).toBe(404);
  });

  it("reads roles again from GitHub after 15 minutes: a removed member loses the installation", async () => {
    const { browser } = await signIn("rhea", "member");
    now = new Date(now.getTime() + 16 * 60_000);
    nock(GITHUB)
      .post(`/api/v3/app/installations/${ORG}/access_tokens`)
      .reply(201, { token: "ghs_refresh", expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    nock(API).get(`/orgs/org-${ORG}/memberships/rhea`).reply(404, { message: "Not Found" });
    expect((await browser.fetch(`/status/installations/${ORG}`)).status).toBe(404);
    expect((await browser.fetch(`/api/installations`)).status).toBe(200);
    expect(await (await browser.fetch(`/api/installations`)).json()).toEqual({ installations: [] });
  });

  it("checks the role again before an action when the last check is over a minute old: a demoted owner cannot act", async () => {
    const { browser, csrf } = await signIn("dora", "admin");
    now = new Date(now.getTime() + 2 * 60_000);
    nock(GITHUB)
      .post(`/api/v3/app/installations/${ORG}/access_tokens`)
      .optionally() // Probot may still hold the token of the previous check
      .reply(201, { token: "ghs_recheck", expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    nock(API).get(`/orgs/org-${ORG}/memberships/dora`).reply(200, { state: "active", role: "member" });
    expect((await browser.post(`/status/installations/${ORG}/sync`, { _csrf: csrf })).status).toBe(403);
  });

  it("deletes the session at sign-out, so the old cookie no longer works", async () => {
    const { browser, csrf } = await signIn("sam", "admin");
    const cookie = browser.cookies.get("prsync_session")!;
    expect((await browser.post("/status/sign-out", { _csrf: csrf })).status).toBe(303);
    const replay = await fetch(`${app.url}/api/installations`, { headers: { cookie: `prsync_session=${cookie}` } });
    expect(replay.status).toBe(401);
  });

  it("takes a GitHub sign-in's state once and sends a PKCE challenge: replaying the callback with its cookie fails", async () => {
    const browser = new Browser(app.url);
    const start = await browser.fetch("/status/auth/github");
    const authorize = new URL(start.headers.get("location")!);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authorize.searchParams.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    const callback = `/status/auth/github/callback?code=c1&state=${encodeURIComponent(authorize.searchParams.get("state")!)}`;
    const pre = browser.cookies.get("prsync_pre")!;
    nock(WEB)
      .post("/login/oauth/access_token", (body: { code_verifier?: unknown }) => typeof body.code_verifier === "string")
      .reply(200, { access_token: "ghu_uma" });
    nock(API).get("/user").reply(200, { login: "uma", id: 7 });
    nock(API).get("/user/installations").query(true).reply(200, { total_count: 0, installations: [] });
    expect((await browser.fetch(callback)).status).toBe(303);
    const replayer = new Browser(app.url);
    replayer.cookies.set("prsync_pre", pre);
    const replay = await replayer.fetch(callback);
    expect(replay.status).toBe(401);
    expect(await replay.text()).toContain("used already");
  });
});

import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { IDS, startGitHubSimulator, type GitHubSimulator } from "../../simulator/index.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { freePort } from "../support/ports.js";
import { insertInstallation } from "../modules/status-page/status-page.support.js";

const CHROMIUM = "/usr/bin/chromium";
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`status page sign-in browser test skipped: no chromium at ${CHROMIUM}`);

describeWithBrowser("signing in to the status page with GitHub in a browser", () => {
  let database: TestDatabase;
  let sim: GitHubSimulator;
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startGitHubSimulator();
    for (const installation of sim.data.installations.values()) {
      const account = sim.data.accounts.get(installation.accountId)!;
      await insertInstallation(database, installation.id, account.login, { memberSyncStatus: "complete" });
    }
    const port = await freePort();
    app = await startTestApp({
      database,
      env: {
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        GHE_HOST: sim.host,
        GHE_PROTOCOL: "http",
        GITHUB_CLIENT_ID: sim.clientId,
        GITHUB_CLIENT_SECRET: sim.clientSecret,
      },
      start: { runJobs: false },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await sim?.stop();
    await database?.drop();
  });

  it("goes through GitHub's authorization and lists only the installations GitHub gives the user", async () => {
    const page = await browser.newPage();
    await page.goto(`${app.url}/status`);
    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    await page.getByRole("heading", { name: "Installations" }).waitFor();

    const paths = sim.requestLog.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["/login/oauth/access_token", "/api/v3/user"]));
    expect(paths.some((p) => p.startsWith("/api/v3/user/installations"))).toBe(true);
    const shown = await page.locator(".installations h2 a").allTextContents();
    const expected = [...sim.data.installations.values()]
      .filter((i) => !i.deleted && canSee(sim, i.accountId))
      .map((i) => sim.data.accounts.get(i.accountId)!.login)
      .sort();
    expect(shown.sort()).toEqual(expected);
    expect(shown.length).toBeLessThan(sim.data.installations.size);
  });
});

/** Whether the simulator's signed-in user belongs to the account (or is it). */
function canSee(sim: GitHubSimulator, accountId: number): boolean {
  const userId = sim.data.memberships.get(IDS.organizations[0])?.find((m) => m.role === "admin")?.userId;
  if (userId === accountId) return true;
  return (sim.data.memberships.get(accountId) ?? []).some((m) => m.userId === userId);
}

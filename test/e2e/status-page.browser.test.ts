import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { chromium, type Browser } from "playwright-core";
import { repositories } from "../../src/modules/repositories/repositories.table.js";
import { projectRoot } from "../../src/paths.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import {
  ADMIN_TOKEN,
  insertInstallation,
  insertRepository,
  statusEnv,
} from "../modules/status-page/status-page.support.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`status page browser test skipped: no chromium at ${CHROMIUM}`);
const describeWithBrowser = hasChromium ? describe : describe.skip;
const resultsDir = join(projectRoot, "test-results");

describeWithBrowser("status page in a browser", () => {
  let database: TestDatabase;
  let app: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    database = await createTestDatabase();
    const now = Date.now();
    const day = 86_400_000;
    await insertInstallation(database, 77, "acme", { memberSyncStatus: "complete", memberCount: 12 });
    await insertRepository(database, 7001, 77, "acme/web", {
      status: "syncing",
      syncKind: "backfill",
      windowStart: new Date(now - 30 * day),
      windowEnd: new Date(now),
      reachedAt: new Date(now - 12 * day),
      syncStartedAt: new Date(now - 4 * 60_000),
      lastProgressAt: new Date(now - 10_000),
      prsSynced: 140,
    });
    await insertRepository(database, 7002, 77, "acme/api", {
      status: "complete",
      lastSyncedAt: new Date(now - 3 * 3_600_000),
      prsSynced: 320,
      lastRunPoints: 14,
    });
    await insertRepository(database, 7003, 77, "acme/legacy", {
      status: "error",
      lastError: "GitHub answered 404: the repository was renamed or deleted.",
    });
    app = await startTestApp({ database, env: statusEnv, start: { runJobs: false } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    mkdirSync(resultsDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await database?.drop();
  });

  it("signs in, watches a repository finish without a reload, and queues Sync now", async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("response", (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });

    await page.goto(`${app.url}/status`);
    await page.getByLabel("Operator token (ADMIN_TOKEN)").fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Sign in as operator" }).click();
    await page.getByRole("link", { name: "acme", exact: true }).click();

    const web = page.locator('tr[data-repository="7001"]');
    await web.getByText("Syncing", { exact: true }).waitFor();
    await page.getByText("1 of 3").first().waitFor();
    await page.screenshot({ path: join(resultsDir, "status-page-syncing.png"), fullPage: true });
    // A mark on the window survives only if the page is never reloaded.
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));

    await database.db
      .update(repositories)
      .set({ status: "complete", reachedAt: new Date(Date.now() - 30 * 86_400_000), lastSyncedAt: new Date() })
      .where(eq(repositories.id, 7001));
    await web.getByText("Complete", { exact: true }).waitFor({ timeout: 10_000 });
    await page.getByText("2 of 3").first().waitFor();
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    expect(await page.locator("#live").getAttribute("hx-trigger")).toBeNull();

    await web.getByText("Actions").click();
    await web.getByRole("button", { name: "Sync acme/web now" }).click();
    await page.getByText("Sync queued.").waitFor();
    expect(await app.runtime.queue.pending("repository.sync", { repositoryId: 7001 })).toHaveLength(1);
    await page.screenshot({ path: join(resultsDir, "status-page.png"), fullPage: true });
    expect(problems).toEqual([]);
  });
});

import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { chromium, type Browser, type Page } from "playwright-core";
import { repositories, syncRuns } from "../../src/db/schema.js";
import { projectRoot } from "../../src/paths.js";
import { startTestApp, type TestApp } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { seedInstallation, seedPullRequests } from "../support/pull-request-data.js";
import { ADMIN_TOKEN, statusEnv } from "../modules/status-page/status-page.support.js";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`status page views browser test skipped: no chromium at ${CHROMIUM}`);
const describeWithBrowser = hasChromium ? describe : describe.skip;
const resultsDir = join(projectRoot, "test-results");
const axeSource = readFileSync(join(projectRoot, "node_modules/axe-core/axe.min.js"), "utf8");
const LONG_NAME = "acme-corporation/payments-gateway-reconciliation-service";

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** Runs axe-core in the page and answers the serious and critical violations, each with where it is. */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run({ resultTypes: ["violations"] })).violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describeWithBrowser("status page views in a browser", () => {
  let database: TestDatabase;
  let app: TestApp;
  let browser: Browser;
  const now = new Date();

  beforeAll(async () => {
    database = await createTestDatabase();
    const { db } = database;
    const ids = await seedInstallation(db, {
      id: 81,
      account: "acme-corporation",
      repositories: [LONG_NAME, "acme-corporation/api", "acme-corporation/web", "acme-corporation/docs"],
      firstRepositoryId: 8101,
      extra: { historySince: new Date(now.getTime() - 90 * 86_400_000) },
    });
    await seedPullRequests(db, { repositoryIds: ids, perRepository: 60, now, days: 84 });
    await db
      .update(repositories)
      .set({ status: "error", lastError: "GitHub answered 404: the repository was renamed or deleted." })
      .where(eq(repositories.id, 8104));
    await db
      .update(repositories)
      .set({
        status: "paused",
        pausedUntil: new Date(now.getTime() + 25 * 60_000),
        rateLimitRemaining: 40,
        rateLimitResetAt: new Date(now.getTime() + 25 * 60_000),
        windowStart: new Date(now.getTime() - 30 * 86_400_000),
        windowEnd: now,
        reachedAt: new Date(now.getTime() - 12 * 86_400_000),
        syncStartedAt: new Date(now.getTime() - 6 * 60_000),
      })
      .where(eq(repositories.id, 8103));
    await db.insert(syncRuns).values({
      installationId: 81,
      repositoryId: 8101,
      kind: "backfill",
      startedAt: new Date(now.getTime() - 20 * 60_000),
      graphqlPoints: 37,
    });
    await seedInstallation(db, { id: 82, account: "quiet-org", repositories: [], firstRepositoryId: 8201 });
    app = await startTestApp({ database, env: statusEnv, start: { runJobs: false } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    });
    mkdirSync(resultsDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await database?.drop();
  });

  /** A signed-in page that records console errors, CSP reports and failed requests. */
  async function signedInPage(options: { width?: number; javaScript?: boolean } = {}) {
    const context = await browser.newContext({
      viewport: { width: options.width ?? 1366, height: 900 },
      javaScriptEnabled: options.javaScript ?? true,
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    page.on("response", (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
    });
    await page.goto(`${app.url}/status/sign-in`);
    if (options.javaScript !== false) {
      expect(await seriousViolations(page)).toEqual([]);
      await page.screenshot({ path: join(resultsDir, "views-sign-in.png") });
    }
    await page.getByLabel("Operator token (ADMIN_TOKEN)").fill(ADMIN_TOKEN);
    await page.getByRole("button", { name: "Sign in as operator" }).click();
    await page.getByRole("heading", { name: "Installations" }).waitFor();
    return { page, problems };
  }

  it("lists installations with their overview, and an empty installation says what to do", async () => {
    const { page, problems } = await signedInPage();
    await page
      .getByText("2 repositories of 4 complete")
      .or(page.getByText("2 of 4 repositories complete"))
      .first()
      .waitFor();
    expect(await page.locator(".installation-card").first().textContent()).toContain("240 pull requests");
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(resultsDir, "views-installations.png"), fullPage: true });

    await page.getByRole("link", { name: "quiet-org", exact: true }).click();
    await page.getByText("No repositories yet.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(resultsDir, "views-installation-empty.png"), fullPage: true });
    expect(problems).toEqual([]);
  });

  it("shows the overview first, problems with what to do, and sorts the table by name", async () => {
    const { page, problems } = await signedInPage();
    await page.goto(`${app.url}/status/installations/81`);
    const overview = page.locator(".overview");
    await overview.getByText("Needs attention").waitFor();
    const text = (await overview.textContent()) ?? "";
    expect(text).toContain("240");
    expect(text).toContain("37");
    expect(text).toContain("GitHub answered 404: the repository was renamed or deleted.");
    expect(text).toContain("Re-run backfill");
    expect(text).toContain("paused for GitHub's rate limit");
    const name = page.locator(`tr[data-repository="8101"] .truncate`);
    expect(await name.getAttribute("title")).toBe(LONG_NAME);
    // One line: the name is cut with an ellipsis rather than broken mid-word.
    const box = await name.boundingBox();
    expect(box!.height).toBeLessThan(30);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(resultsDir, "views-installation.png"), fullPage: true });

    await page.getByRole("link", { name: "Name" }).click();
    await page.waitForURL(/sort=name/);
    const order = await page.locator("tbody th .truncate").allTextContents();
    expect(order).toEqual([...order].sort());
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain("Name");
    expect(problems).toEqual([]);
  });

  it("fits a 375 px screen and its row menu works from the keyboard", async () => {
    const { page, problems } = await signedInPage({ width: 375 });
    await page.goto(`${app.url}/status/installations/81`);
    const row = page.locator('tr[data-repository="8102"]');
    await row.locator("summary").focus();
    await page.keyboard.press("Enter");
    await row.getByRole("button", { name: "Sync acme-corporation/api now" }).waitFor();
    await page.screenshot({ path: join(resultsDir, "views-installation-375.png"), fullPage: true });
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth).toBeLessThanOrEqual(375);
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByText("Sync queued.").waitFor();
    expect(await app.runtime.queue.pending("repository.sync", { repositoryId: 8102 })).toHaveLength(1);
    expect(await seriousViolations(page)).toEqual([]);

    // Extend, in the same menu, sends the days chosen beside it.
    const other = page.locator('tr[data-repository="8103"]');
    await other.locator("summary").click();
    await other.getByLabel("History", { exact: true }).selectOption("180");
    await other.getByRole("button", { name: /^Extend history of/ }).click();
    await page.getByText("Sync queued.").waitFor();
    expect(await app.runtime.queue.pending("repository.sync", { repositoryId: 8103, days: 180 })).toHaveLength(1);
    expect(problems).toEqual([]);
  });

  it("draws the insights charts under a strict CSP, with tables beneath, and filters by repository", async () => {
    const { page, problems } = await signedInPage();
    await page.goto(`${app.url}/status/installations/81`);
    await page.getByRole("link", { name: "Insights" }).click();
    await page.getByRole("heading", { name: "Pull requests per week" }).waitFor();
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll("canvas[data-chart]")).every((c) => (c as HTMLCanvasElement).width > 0),
    );
    const drawn = await page.evaluate(() => {
      const Chart = (window as unknown as { Chart: { getChart: (c: Element) => unknown } }).Chart;
      return Array.from(document.querySelectorAll("canvas[data-chart]")).map((c) => Boolean(Chart.getChart(c)));
    });
    expect(drawn).toEqual([true, true, true]);
    expect(await page.getByText("12 weeks (84 days)").count()).toBe(1);
    expect(
      await page.locator("#chart-throughput ~ details tbody tr, section:has(#chart-throughput) tbody tr").count(),
    ).toBeGreaterThanOrEqual(12);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(resultsDir, "views-insights.png"), fullPage: true });

    await page.getByLabel("Repository").selectOption({ label: "acme-corporation/api" });
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/repository=8102/);
    await page.getByText("acme-corporation/api ·").waitFor();
    expect(problems).toEqual([]);
  });

  it("shows the insights as tables without JavaScript, and errors as pages that pass axe", async () => {
    const { page, problems } = await signedInPage({ javaScript: false });
    await page.goto(`${app.url}/status/installations/81/insights`);
    expect(await page.locator("table.data-table").count()).toBe(3);
    await page.screenshot({ path: join(resultsDir, "views-insights-no-js.png"), fullPage: true });

    const js = await signedInPage();
    await js.page.goto(`${app.url}/status/installations/81/export`);
    expect(await seriousViolations(js.page)).toEqual([]);
    await js.page.screenshot({ path: join(resultsDir, "views-export.png"), fullPage: true });
    const missing = await js.page.goto(`${app.url}/status/installations/999/insights`);
    expect(missing!.status()).toBe(404);
    expect(await seriousViolations(js.page)).toEqual([]);
    await js.page.screenshot({ path: join(resultsDir, "views-error.png"), fullPage: true });
    expect(problems).toEqual([]);
  });
});

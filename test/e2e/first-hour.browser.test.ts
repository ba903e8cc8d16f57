import { existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Writable } from "node:stream";
import { chromium, type Browser, type Page } from "playwright-core";
import { IDS, startGitHubSimulator, type GitHubSimulator } from "../../simulator/index.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { projectRoot } from "../../src/paths.js";
import { readEnvFile } from "../../src/setup/env-file.js";
import { startPrSync, type PrSync } from "../../src/start.js";
import { freePort } from "../support/ports.js";
import { waitFor } from "../support/wait.js";

const CHROMIUM = "/usr/bin/chromium";
const asRootWithBrowser = existsSync(CHROMIUM) && process.getuid?.() === 0 ? describe : describe.skip;
const SHOTS = join(projectRoot, "test-results", "first-hour");

asRootWithBrowser("the first hour, from a fresh clone as root in a folder of mode 0700", () => {
  let sim: GitHubSimulator;
  let app: PrSync | undefined;
  let browser: Browser;
  let home: string;
  let relocated: string | undefined;
  const logs: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    sim = await startGitHubSimulator({ repositoriesPerOrganization: 3, pullRequestsPerRepository: 40 });
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
    if (home) rmSync(home, { recursive: true, force: true });
    if (relocated) rmSync(relocated, { recursive: true, force: true });
  });

  const shoot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  it("registers, continues as the app, installs, syncs every repository and signs in", async () => {
    home = mkdtempSync(join(tmpdir(), "pr-sync-home-"));
    expect(statSync(home).mode & 0o777).toBe(0o700);
    const clone = join(home, "pr-sync");
    mkdirSync(clone);
    const envFile = join(clone, ".env");
    const port = await freePort();
    // Only the GitHub to use, plus what keeps this test off the machine's real ports and folders.
    const env = {
      GHE_HOST: sim.host,
      GHE_PROTOCOL: "http",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: join(clone, "data"),
      EMBEDDED_POSTGRES_PORT: String(await freePort()),
    };
    const log = createLogger({
      level: "info",
      destination: new Writable({
        write: (chunk, _e, done) => {
          logs.push(String(chunk));
          done();
        },
      }),
    });
    app = await startPrSync({
      config: loadConfig(env),
      env,
      log,
      envFile,
      smeeNewChannelUrl: `http://127.0.0.1:${await freePort()}/new`,
      processEveryMs: 200,
      retryBaseMs: 50,
    });
    expect(app.mode).toBe("setup");
    const database = /embedded PostgreSQL running with its data in ([^\s"]+)/.exec(logs.join(""))?.[1];
    expect(database).toMatch(/^\/var\/lib\/pr-sync\/pr-sync-[0-9a-f]{10}\/postgres$/);
    relocated = dirname(database!);

    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.getByRole("button", { name: "Register GitHub App" }).waitFor();
    await shoot(page, "1-setup");

    await page.getByRole("button", { name: "Register GitHub App" }).click();
    await page.getByRole("heading", { name: "pr-sync is registered and running" }).waitFor();
    await shoot(page, "2-registered");
    const written = readEnvFile(envFile);
    expect(Object.keys(written).sort()).toEqual(
      ["APP_ID", "GITHUB_CLIENT_ID", "GITHUB_CLIENT_SECRET", "PRIVATE_KEY", "PUBLIC_URL", "WEBHOOK_SECRET"].sort(),
    );
    expect(written.PRIVATE_KEY).toContain("BEGIN RSA PRIVATE KEY");
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(env).not.toHaveProperty("APP_ID");
    expect(app.mode).toBe("app");
    expect(logs.join("")).toContain(`install the app: ${sim.url}/apps/pr-sync/installations/new`);

    await page.getByRole("link", { name: "Install pr-sync" }).click();
    const organization = sim.data.accounts.get(IDS.organizations[0])!.login;
    await page.getByRole("button", { name: `Install on ${organization}` }).waitFor();
    await shoot(page, "3-github-install");
    await page.getByRole("button", { name: `Install on ${organization}` }).click();
    await page.getByRole("link", { name: "Sign in with GitHub" }).waitFor();
    await shoot(page, "4-status-sign-in");

    const installation = [...sim.data.installations.values()].find((i) => i.accountId === IDS.organizations[0])!;
    const pool = app.runtime!.pool;
    const statuses = await waitFor(
      async () => {
        const { rows } = await pool.query<{ status: string }>(
          "select status from repositories where installation_id = $1",
          [installation.id],
        );
        return rows.length === 3 && rows.every((r) => r.status === "complete") && rows;
      },
      { timeoutMs: 90_000, what: "every repository complete" },
    );
    expect(statuses).toHaveLength(3);

    await page.getByRole("link", { name: "Sign in with GitHub" }).click();
    await page.getByRole("heading", { name: "Installations" }).waitFor();
    await page.getByRole("link", { name: organization }).first().click();
    await page.getByText("complete").first().waitFor();
    await shoot(page, "5-installation");
    expect(page.url()).toBe(`http://127.0.0.1:${port}/status/installations/${installation.id}`);
    expect(await page.getByText("complete").count()).toBeGreaterThanOrEqual(3);
  }, 240_000);
});

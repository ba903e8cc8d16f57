import { spawn } from "node:child_process";
import { createLogger } from "../src/logger.js";
import { loadConfig } from "../src/config.js";
import { startPrSync } from "../src/start.js";
import { createTestDatabase, type TestDatabase } from "./support/database.js";
import { startTestApp, testPrivateKey } from "./support/app.js";
import { Writable } from "node:stream";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "../src/db/embedded-postgres.js";
import { freePort } from "./support/ports.js";

const quiet = createLogger({ level: "silent", destination: new Writable({ write: (_c, _e, cb) => cb() }) });

describe("starting pr-sync", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it("serves the setup page when no GitHub App is configured", async () => {
    const env = { PORT: "0", HOST: "127.0.0.1", PUBLIC_URL: "https://pr-sync.example.com" };
    const envFile = join(mkdtempSync(join(tmpdir(), "pr-sync-env-")), ".env");
    const app = await startPrSync({ config: loadConfig(env), env, log: quiet, databaseUrl: database.url, envFile });
    try {
      expect(app.mode).toBe("setup");
      const root = await fetch(`${app.url}/`, { redirect: "manual" });
      expect(root.status).toBe(302);
      expect(root.headers.get("location")).toBe("/probot");
      const page = await fetch(`${app.url}/probot`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain("Register GitHub App");
      expect(html).toContain("webhooks to <code>https://pr-sync.example.com/api/github/webhooks</code>");
      expect(html).toMatch(
        /<form action="https:\/\/github.com\/settings\/apps\/new\?state=[0-9a-f]{32}" method="post">/,
      );
    } finally {
      await app.stop();
    }
  });

  it("answers /health during setup: 200 naming the setup page while the database answers, 503 when it does not", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pr-sync-setup-health-"));
    const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    const env = { PORT: "0", HOST: "127.0.0.1", PUBLIC_URL: "https://pr-sync.example.com" };
    const envFile = join(mkdtempSync(join(tmpdir(), "pr-sync-env-")), ".env");
    const app = await startPrSync({ config: loadConfig(env), env, log: quiet, databaseUrl: server.url, envFile });
    try {
      expect(app.mode).toBe("setup");
      const up = await fetch(`${app.url}/health`);
      expect(up.status).toBe(200);
      expect(await up.json()).toMatchObject({ status: "setup", setup: "/probot", database: { status: "ok" } });
      await server.stop();
      const down = await fetch(`${app.url}/health`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: "unavailable", database: "unavailable" });
      // The setup page itself does not need the database.
      expect((await fetch(`${app.url}/probot`)).status).toBe(200);
    } finally {
      await app.stop();
      await server.stop();
    }
  }, 120_000);

  it("runs migrations twice at once without error and answers /health with the queue state", async () => {
    const [a, b] = await Promise.all([startTestApp({ database }), startTestApp({ database })]);
    try {
      const res = await fetch(`${a.url}/health`);
      expect(res.status).toBe(200);
      const body: unknown = await res.json();
      expect(body).toMatchObject({ status: "ok", database: { status: "ok" }, jobQueue: { status: "running" } });
      expect((await fetch(`${b.url}/health`)).status).toBe(200);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it("answers 503 on /health while PostgreSQL is down, saying only that it is unavailable, and recovers when it is back", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pr-sync-restart-"));
    const port = await freePort();
    let server = await startEmbeddedPostgres({ dataDir, port });
    const own = { url: server.url } as TestDatabase;
    const app = await startTestApp({ database: own });
    try {
      expect((await fetch(`${app.url}/health`)).status).toBe(200);
      await server.stop();
      const down = await fetch(`${app.url}/health`);
      expect(down.status).toBe(503);
      const text = await down.text();
      expect(JSON.parse(text)).toMatchObject({ status: "unavailable", database: "unavailable" });
      expect(text).not.toContain(String(port));
      expect(app.logs.some((line) => line.includes("health check: the database did not answer"))).toBe(true);
      server = await startEmbeddedPostgres({ dataDir, port });
      let status = 0;
      const deadline = Date.now() + 30_000;
      while (status !== 200 && Date.now() < deadline) {
        status = (await fetch(`${app.url}/health`)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(200);
    } finally {
      await app.stop();
      await server.stop();
    }
  }, 120_000);

  it("exits 1 naming the variable when the environment is invalid", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: { ...process.env, BACKFILL_DAYS: "abc", NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain('BACKFILL_DAYS must be a whole number from 1 to 365 (got "abc")');
    expect(stderr).not.toContain("    at ");
  });
});

describe("shutting down", () => {
  it("stops on SIGTERM with exit code 0 after draining jobs and closing the pool", async () => {
    const database = await createTestDatabase();
    try {
      const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
        env: {
          ...process.env,
          NODE_OPTIONS: "",
          DATABASE_URL: database.url,
          PORT: "0",
          HOST: "127.0.0.1",
          APP_ID: "4242",
          PRIVATE_KEY: testPrivateKey(),
          WEBHOOK_SECRET: "secret",
          LOG_LEVEL: "info",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      child.stdout.on("data", (chunk) => (stdout += String(chunk)));
      const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
      for (let i = 0; i < 200 && !stdout.includes("pr-sync listening on"); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(stdout).toContain("pr-sync listening on");
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stdout).toContain("shutting down: no new webhooks, draining jobs");
      expect(stdout).toContain('"msg":"stopped"');
    } finally {
      await database.drop();
    }
  });
});

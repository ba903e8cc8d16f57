import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { startPrSync } from "../../src/start.js";
import { signature, startTestApp, WEBHOOK_SECRET, type TestApp } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { freePort } from "../support/ports.js";
import { startSmeeServer, type SmeeServer } from "../support/smee-server.js";
import { waitFor } from "../support/wait.js";
import { example } from "../support/webhook-examples.js";

const quiet = createLogger({ level: "silent", destination: new Writable({ write: (_c, _e, cb) => cb() }) });

describe("webhooks through a smee channel (WEBHOOK_PROXY_URL)", () => {
  let database: TestDatabase;
  let smee: SmeeServer;
  beforeAll(async () => {
    database = await createTestDatabase();
    smee = await startSmeeServer();
  });
  afterAll(async () => {
    await smee.stop();
    await database.drop();
  });

  it("forwards deliveries to the local webhook path with their signatures intact, and a forged one is refused", async () => {
    const channel = "pr-sync-test-channel";
    const app: TestApp = await startTestApp({ database, env: { WEBHOOK_PROXY_URL: `${smee.url}/${channel}` } });
    try {
      await smee.connected(channel);
      const send = (delivery: string, secret?: string) => {
        const body = JSON.stringify(example("repository.renamed"));
        smee.publish(
          channel,
          {
            "x-github-event": "repository",
            "x-github-delivery": delivery,
            "x-hub-signature-256": signature(body, secret),
            "content-type": "application/json",
            "user-agent": "GitHub-Hookshot/044aadd",
          },
          body,
        );
      };
      const forged = randomUUID();
      const genuine = randomUUID();
      send(forged, "not-the-webhook-secret");
      send(genuine, WEBHOOK_SECRET);
      const ids = async () =>
        (await app.runtime.pool.query<{ id: string }>("select id from webhook_deliveries")).rows.map((r) => r.id);
      await waitFor(async () => (await ids()).includes(genuine), { what: "the proxied delivery" });
      // Probot answers a signature mismatch with 400, which the proxy reports.
      await waitFor(() => app.logs.some((l) => l.includes(`POST ${app.url}/api/github/webhooks - 400`)), {
        what: "the forged delivery refused",
      });
      expect(await ids()).not.toContain(forged);
      expect(app.logs.join("\n")).toContain(
        `forwarding webhooks from ${smee.url}/${channel} to ${app.url}/api/github/webhooks`,
      );
    } finally {
      await app.stop();
    }
  });

  it("leaves the channel to the web process when the process is a worker, which answers no webhooks", async () => {
    const channel = "pr-sync-role-channel";
    const env = { WEBHOOK_PROXY_URL: `${smee.url}/${channel}` };
    const worker = await startTestApp({ database, env: { ...env, PR_SYNC_ROLE: "worker", WORKER_NICENESS: "0" } });
    const web = await startTestApp({ database, env: { ...env, PR_SYNC_ROLE: "web" } });
    try {
      await smee.connected(channel);
      expect(smee.listeners(channel)).toBe(1);
      await waitFor(() => web.logs.some((l) => l.includes(`forwarding webhooks from ${smee.url}/${channel}`)), {
        what: "the web process forwarding",
      });
      const workerLog = worker.logs.join("\n");
      expect(workerLog).not.toContain("forwarding webhooks");
      expect(workerLog).not.toContain("GitHub must reach");
      expect(workerLog).toContain("worker: runs jobs and answers only /health and /metrics");
    } finally {
      await web.stop();
      await worker.stop();
    }
  });

  it("creates a channel during setup when smee answers, registers it as the hook URL and saves it in .env", async () => {
    const envFile = join(mkdtempSync(join(tmpdir(), "pr-sync-env-")), ".env");
    const env = { PORT: "0", HOST: "127.0.0.1" };
    const app = await startPrSync({
      config: loadConfig(env),
      env,
      log: quiet,
      databaseUrl: database.url,
      envFile,
      smeeNewChannelUrl: smee.newChannelUrl,
    });
    try {
      const channel = /^WEBHOOK_PROXY_URL=(\S+)$/m.exec(readFileSync(envFile, "utf8"))?.[1];
      expect(channel).toMatch(new RegExp(`^${smee.url}/[\\w-]+$`));
      const html = await (await fetch(`${app.url}/probot`)).text();
      expect(html).toContain(`webhooks to <code>${channel}</code>`);
      expect(html).toContain("&quot;hook_attributes&quot;:{&quot;url&quot;:&quot;" + channel);
    } finally {
      await app.stop();
    }
  });

  it("says on the setup page what to do when smee cannot be reached", async () => {
    const envFile = join(mkdtempSync(join(tmpdir(), "pr-sync-env-")), ".env");
    const env = { PORT: "0", HOST: "127.0.0.1" };
    const app = await startPrSync({
      config: loadConfig(env),
      env,
      log: quiet,
      databaseUrl: database.url,
      envFile,
      smeeNewChannelUrl: `http://127.0.0.1:${await freePort()}/new`,
    });
    try {
      const html = await (await fetch(`${app.url}/probot`)).text();
      expect(html).toContain("smee.io could not be reached to create a webhook channel");
      expect(html).toContain("set WEBHOOK_PROXY_URL to a channel from https://smee.io/new");
      expect(html).toContain(
        `webhooks to <code>${app.url.replace("localhost", "127.0.0.1")}/api/github/webhooks</code>`,
      );
    } finally {
      await app.stop();
    }
  });
});

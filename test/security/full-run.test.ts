import { randomBytes } from "node:crypto";
import type { GitHubSimulator } from "../../simulator/index.js";
import type { TestApp } from "../support/app.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { freePort } from "../support/ports.js";
import { staysTrue, waitFor, waitForEmailJobs } from "../support/wait.js";
import { AGENDA_TABLE } from "../../src/jobs/job-queue.js";
import { Browser } from "../modules/status-page/status-page.support.js";
import { compareWithGroundTruth, INSTALLATION_ID, startSmallSimulator } from "../reliability/support/ground-truth.js";
import { startRecordingSmtp, type RecordingSmtp } from "../reliability/support/smtp.js";
import { startAppOnSimulator, waitForSyncComplete } from "../reliability/support/sync-run.js";

const ADMIN_TOKEN = `admin-${randomBytes(16).toString("hex")}`;
const SESSION_SECRET = `session-${randomBytes(24).toString("hex")}`;
const ISSUED_TOKEN = /gh[sup]_[A-Za-z0-9]{8,}/;

/**
 * One full run: the installation webhook, a backfill against the simulator, a GitHub sign-in and an
 * operator sign-in on the status page, and the completion email, sent while the mail server is down.
 */
describe("a full run", () => {
  let database: TestDatabase;
  let sim: GitHubSimulator;
  let smtp: RecordingSmtp | undefined;
  let app: TestApp;
  let smtpPort: number;
  let firstEmailError: { attempts: number; last_error: string | null } | undefined;

  beforeAll(async () => {
    database = await createTestDatabase();
    sim = await startSmallSimulator();
    smtpPort = await freePort();
    const port = await freePort();
    app = await startAppOnSimulator(sim, database, {
      env: {
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        ADMIN_TOKEN,
        SESSION_SECRET,
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
        NOTIFY_EMAILS: "ops@example.com",
        JOB_ATTEMPTS: "6",
      },
      start: { retryBaseMs: 500 },
    });
    expect((await sim.sendInstallationCreated(INSTALLATION_ID)).status).toBe(200);
    await waitForSyncComplete(database.url);
    // The mail server is down when the sync completes: the email job fails and records why.
    firstEmailError = await waitFor(async () => {
      const { rows } = await database.pool.query<{ attempts: number; last_error: string | null }>(
        "SELECT attempts, last_error FROM email_notifications",
      );
      return rows[0]?.last_error ? rows[0] : undefined;
    });
    smtp = await startRecordingSmtp(smtpPort);
    await waitFor(async () => {
      const { rows } = await database.pool.query<{ status: string }>("SELECT status FROM email_notifications");
      return rows[0]?.status === "sent";
    });

    const operator = new Browser(app.url);
    expect((await operator.signInAsOperator(ADMIN_TOKEN)).status).toBe(303);
    expect((await operator.fetch("/status")).status).toBe(200);
    const user = new Browser(app.url);
    const authorize = (await user.fetch("/status/auth/github")).headers.get("location")!;
    const callback = (await fetch(authorize, { redirect: "manual" })).headers.get("location")!;
    expect((await user.fetch(callback)).status).toBe(303);
    const page = await user.fetch("/status");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("acme-corp");
    // Every line the run writes is captured once no job is running or due.
    await waitFor(
      async () => {
        const { rows } = await database.pool.query<{ busy: string }>(
          `SELECT count(*) AS busy FROM ${AGENDA_TABLE} WHERE locked_at IS NOT NULL OR next_run_at <= now()`,
        );
        return rows[0]!.busy === "0";
      },
      { what: "the job queue to settle" },
    );
  });

  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
    await sim?.stop();
    await database?.drop();
  });

  it("stores exactly what GitHub holds", async () => {
    const { stored, expected } = await compareWithGroundTruth(database.url, sim);
    expect(stored).toEqual(expected);
  });

  it("retries the completion email while the mail server is down and sends it exactly once after it recovers", async () => {
    expect(firstEmailError!.last_error).toMatch(/127\.0\.0\.1/);
    await waitForEmailJobs(app.runtime.queue);
    await staysTrue(() => smtp!.messages.length === 1, { forMs: 2_000, what: "one email received" });
    expect(smtp!.messages).toHaveLength(1);
    expect(smtp!.messages[0]).toMatch(/^To: ops@example\.com\r?$/m);
    expect(smtp!.messages[0]).toMatch(/^Subject: =\?UTF-8\?Q\?pr-sync=3A_acme-corp_is_ready_/m);
    const { rows } = await database.pool.query<{ status: string; attempts: number; recipients: string[] }>(
      "SELECT status, attempts, recipients FROM email_notifications",
    );
    expect(rows).toEqual([
      { status: "sent", attempts: expect.any(Number) as unknown, recipients: ["ops@example.com"] },
    ]);
    expect(rows[0]!.attempts).toBeGreaterThanOrEqual(2);
    // The email's link opens the installation's status page.
    const link = /^Status page: (\S+)/m.exec(smtp!.messages[0]!.replace(/=\r?\n/g, ""))![1]!;
    expect(link).toBe(`${app.url}/status/installations/${INSTALLATION_ID}`);
    const operator = new Browser(app.url);
    await operator.signInAsOperator(ADMIN_TOKEN);
    expect((await operator.fetch(link)).status).toBe(200);
  });

  function secrets(): [string, string][] {
    const keyBody = sim.privateKey.split("\n").filter((l) => l && !l.startsWith("-----"));
    return [
      ["webhook secret", sim.webhookSecret],
      ["client secret", sim.clientSecret],
      ["admin token", ADMIN_TOKEN],
      ["session secret", SESSION_SECRET],
      ...keyBody.slice(1, 4).map((line, i): [string, string] => [`private key line ${i + 2}`, line]),
    ];
  }

  it("never writes a token, key or secret to the logs", () => {
    const text = app.logs.join("\n");
    // The capture covers every stage of the run.
    for (const stage of ["installation event received", "sync complete", "did not accept the email", "GitHub request"])
      expect(text).toContain(stage);
    for (const [name, secret] of secrets())
      expect({ name, found: text.includes(secret) }).toEqual({ name, found: false });
    expect(text.match(ISSUED_TOKEN)).toBeNull();
  });

  it("keeps no token, key or secret in any text or JSON column of any table", async () => {
    const { rows: columns } = await database.pool.query<{ table_name: string; column_name: string }>(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'json', 'jsonb', 'character varying', 'ARRAY')`,
    );
    expect(columns.length).toBeGreaterThan(20);
    let dump = "";
    for (const { table_name, column_name } of columns) {
      const { rows } = await database.pool.query<{ v: string | null }>(
        `SELECT "${column_name}"::text AS v FROM "${table_name}"`,
      );
      dump += rows.map((r) => r.v ?? "").join("\n");
    }
    expect(dump).toContain("acme-corp");
    for (const [name, secret] of secrets())
      expect({ name, found: dump.includes(secret) }).toEqual({ name, found: false });
    expect(dump.match(ISSUED_TOKEN)).toBeNull();
  });
});

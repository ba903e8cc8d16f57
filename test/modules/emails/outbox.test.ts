import { waitForEmailJobs } from "../../support/wait.js";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { notifyIfInitialSyncComplete } from "../../../src/modules/emails/completion-email.usecases.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import {
  finishFirstSync,
  notificationRow,
  seedInstallation,
  seedMergedPullRequest,
  waitFor,
} from "./email-fixtures.js";

describe("the completion email without SMTP_URL", () => {
  let database: TestDatabase;
  let app: TestApp;
  let dataDir: string;
  const outbox = () => join(dataDir, "outbox");
  const emlFiles = () => {
    try {
      return readdirSync(outbox()).filter((f) => f.endsWith(".eml"));
    } catch {
      return [];
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), "pr-sync-outbox-"));
    app = await startTestApp({ database, env: { DATA_DIR: dataDir, LOG_LEVEL: "info" } });
  });

  afterAll(async () => {
    await app.stop();
    await database.drop();
  });

  it("marks the batch no_recipients and writes nothing when no address is configured anywhere", async () => {
    const { db } = database;
    await seedInstallation(
      db,
      { id: 30, login: "initech", repositories: [{ id: 301, fullName: "initech/tps" }] },
      "b30",
    );
    await finishFirstSync(db, 301);
    await notifyIfInitialSyncComplete({ db, queue: app.runtime.queue, installationId: 30 });
    const row = await waitFor(async () => {
      const r = await notificationRow(db, "b30");
      return r?.status === "no_recipients" && r;
    });
    await waitForEmailJobs(app.runtime.queue);

    expect(row).toMatchObject({ status: "no_recipients", recipients: [], attempts: 0, sentAt: null, messageId: null });
    expect(emlFiles()).toEqual([]);
    expect(await notifyIfInitialSyncComplete({ db, queue: app.runtime.queue, installationId: 30 })).toEqual([]);
  });

  it("writes the email as an .eml file under DATA_DIR/outbox and logs where", async () => {
    const { db } = database;
    await seedInstallation(
      db,
      {
        id: 40,
        login: "umbrella",
        notifyEmails: ["lead@umbrella.test"],
        repositories: [{ id: 401, fullName: "umbrella/core" }],
      },
      "b40",
    );
    await seedMergedPullRequest(db, {
      id: 4001,
      repositoryId: 401,
      number: 7,
      title: "<img src=x onerror=alert(1)> Fix login",
      createdHoursAgo: 30,
      cycleHours: 3,
      reviewAfterHours: 0.5,
    });
    await finishFirstSync(db, 401);
    await notifyIfInitialSyncComplete({ db, queue: app.runtime.queue, installationId: 40 });
    const row = await waitFor(async () => {
      const r = await notificationRow(db, "b40");
      return r?.status === "sent" && r;
    });

    const files = emlFiles();
    expect(files).toHaveLength(1);
    const path = join(outbox(), files[0]!);
    const mail = await simpleParser(readFileSync(path));
    expect(mail.subject).toBe("pr-sync: umbrella is ready — 1 pull request from the last 30 days");
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : undefined).toBe("lead@umbrella.test");
    expect(mail.messageId).toBe(row.messageId);
    expect(mail.text).toContain("- Median time to first review: 30 minutes\n");
    expect(mail.text).toContain("  Longest to merge: #7 Fix login (3 hours) https://github.test/pull/7\n");
    expect(mail.text).toContain("Status page: http://localhost:0/status/installations/40\n");
    expect(mail.html).toContain("#7 &lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; Fix login</a>");
    expect(mail.html).not.toContain("<img");
    expect(app.logs.some((line) => line.includes(`completion email sent to ${path}`))).toBe(true);
  });
});

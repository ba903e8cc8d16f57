import { waitForEmailJobs } from "../../support/wait.js";
import type { CompletionEmailJobData } from "../../../src/modules/emails/emails.jobs.js";
import { eq } from "drizzle-orm";
import { repositories } from "../../../src/db/schema.js";
import {
  completionMessageId,
  notifyIfInitialSyncComplete,
  sendCompletionEmail,
} from "../../../src/modules/emails/completion-email.usecases.js";
import { loadCompletionTemplates } from "../../../src/modules/emails/completion-email.templates.js";
import { createSmtpDriver } from "../../../src/modules/emails/drivers/smtp.driver.js";
import { emailNotifications } from "../../../src/db/schema.js";
import { startTestApp, type TestApp } from "../../support/app.js";
import { createTestDatabase, type TestDatabase } from "../../support/database.js";
import {
  addRepositories,
  finishFirstSync,
  notificationRow,
  seedInstallation,
  seedMergedPullRequest,
  startSmtpServer,
  waitFor,
  type TestSmtpServer,
} from "./email-fixtures.js";

const PUBLIC_URL = "https://pr-sync.example.com";
const HOSTILE = "<script>alert(1)</script>";

describe("the completion email over SMTP", () => {
  let database: TestDatabase;
  let smtp: TestSmtpServer;
  let app: TestApp;
  const notify = (installationId: number) =>
    notifyIfInitialSyncComplete({ db: database.db, queue: app.runtime.queue, installationId });

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = await startSmtpServer();
    app = await startTestApp({
      database,
      env: {
        SMTP_URL: smtp.url,
        NOTIFY_EMAILS: "ops@example.com,Team@Example.com",
        MAIL_FROM: "pr-sync <pr-sync@example.com>",
        PUBLIC_URL,
        BACKFILL_DAYS: "30",
        JOB_ATTEMPTS: "3",
      },
    });
  });

  afterAll(async () => {
    await app.stop();
    await smtp.close();
    await database.drop();
  });

  it("sends one email for a multi-repository installation only after its last repository finishes", async () => {
    const { db } = database;
    await seedInstallation(
      db,
      {
        id: 10,
        login: "acme",
        notifyEmails: ["team@example.com", "dev@example.com"],
        repositories: [
          { id: 101, fullName: "acme/api" },
          { id: 102, fullName: "acme/web" },
        ],
      },
      "installation:10:a",
    );
    await seedMergedPullRequest(db, {
      id: 1001,
      repositoryId: 101,
      number: 1,
      title: HOSTILE,
      createdHoursAgo: 72,
      cycleHours: 48,
      reviewAfterHours: 2,
    });
    await seedMergedPullRequest(db, {
      id: 1002,
      repositoryId: 101,
      number: 2,
      title: "Faster & safer paging",
      createdHoursAgo: 10,
      cycleHours: 5,
    });

    await finishFirstSync(db, 101);
    expect(await notify(10)).toEqual([]);
    expect(await notificationRow(db, "installation:10:a")).toBeUndefined();

    await finishFirstSync(db, 102, {
      status: "error",
      lastError: "acme/web is no longer part of the installation; add it to the app's repositories again to sync it.",
    });
    expect(await notify(10)).toEqual(["installation:10:a"]);
    const row = await waitFor(async () => {
      const r = await notificationRow(db, "installation:10:a");
      return r?.status === "sent" && r;
    });

    expect(smtp.received).toHaveLength(1);
    const { envelope, mail } = smtp.received[0]!;
    const subject = "pr-sync: acme is ready — 2 pull requests from the last 30 days";
    expect(envelope).toEqual({
      from: "pr-sync@example.com",
      to: ["team@example.com", "dev@example.com", "ops@example.com"],
    });
    expect(mail.subject).toBe(subject);
    expect(mail.from?.text).toBe('"pr-sync" <pr-sync@example.com>');
    expect(mail.messageId).toBe(completionMessageId("installation:10:a", PUBLIC_URL));
    expect(mail.text).toBe(
      [
        "acme is ready",
        "",
        "pr-sync finished the first sync of 2 repositories: 2 pull requests from the last 30 days are in the database. 1 repository stopped with an error.",
        "",
        "Last 30 days",
        "- Median time from opening to merge: 26.5 hours",
        "- Median time to first review: 2 hours",
        "- 2 opened, 2 merged, 0 closed without merging, 1 review",
        "",
        "Repositories",
        "- acme/api: 2 pull requests, 1 review",
        "  Longest to merge: #1 alert(1) (2 days) https://github.test/pull/1",
        "- acme/web: stopped: acme/web is no longer part of the installation; add it to the app's repositories again to sync it. (0 pull requests and 0 reviews saved before it stopped)",
        "",
        "Insights, week by week: https://pr-sync.example.com/status/installations/10/insights",
        "Status page: https://pr-sync.example.com/status/installations/10",
        "",
      ].join("\n"),
    );
    const html = mail.html as string;
    expect(html).not.toContain("<script>");
    expect(html).toContain('<a href="https://github.test/pull/1">#1 &lt;script&gt;alert(1)&lt;/script&gt;</a>');
    expect(html).toContain("<strong>acme/api</strong>:");
    expect(html).toContain('<a href="https://pr-sync.example.com/status/installations/10">open the status page</a>');
    expect(html).toContain(
      '<a href="https://pr-sync.example.com/status/installations/10/insights">See the insights as charts</a>',
    );
    expect(html).toContain("Median time from opening to merge: <strong>26.5 hours</strong>");
    expect(html).toContain("Median time to first review: <strong>2 hours</strong>");
    expect(html).toContain(
      "stopped: acme/web is no longer part of the installation; add it to the app&#x27;s repositories",
    );

    expect(row).toMatchObject({
      installationId: 10,
      status: "sent",
      recipients: ["team@example.com", "dev@example.com", "ops@example.com"],
      subject,
      attempts: 1,
      lastError: null,
      messageId: completionMessageId("installation:10:a", PUBLIC_URL),
    });
    expect(row.sentAt).toBeInstanceOf(Date);
  });

  it("sends no second email when the job is queued again or the sync reports again", async () => {
    const data: CompletionEmailJobData = { installationId: 10, batchKey: "installation:10:a" };
    await app.runtime.queue.enqueue("email.completion", data);
    expect(await notify(10)).toEqual([]);
    await waitForEmailJobs(app.runtime.queue);
    await app.runtime.queue.enqueue("email.completion", data);
    await waitForEmailJobs(app.runtime.queue);

    expect(smtp.received).toHaveLength(1);
    expect(await notificationRow(database.db, "installation:10:a")).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("sends repositories added later in an email of their own", async () => {
    const { db } = database;
    await addRepositories(db, 10, [{ id: 103, fullName: "acme/mobile" }], "installation:10:b");
    expect(await notify(10)).toEqual([]);
    await finishFirstSync(db, 103);
    expect(await notify(10)).toEqual(["installation:10:b"]);
    await waitFor(async () => (await notificationRow(db, "installation:10:b"))?.status === "sent");

    expect(smtp.received).toHaveLength(2);
    const { mail } = smtp.received[1]!;
    expect(mail.subject).toBe("pr-sync: acme is ready — 0 pull requests from the last 30 days");
    expect(mail.text).toContain("Repositories\n- acme/mobile: 0 pull requests, 0 reviews\n\n");
    expect(mail.text).not.toContain("acme/api");
  });

  it("retries after the mail server refuses once, then delivers exactly one email and leaves the sync status alone", async () => {
    const { db } = database;
    await seedInstallation(
      db,
      { id: 20, login: "globex", repositories: [{ id: 201, fullName: "globex/site" }] },
      "installation:20:a",
    );
    await finishFirstSync(db, 201);
    smtp.refuseNext(1);
    const before = smtp.received.length;

    expect(await notify(20)).toEqual(["installation:20:a"]);
    const row = await waitFor(async () => {
      const r = await notificationRow(db, "installation:20:a");
      return r?.status === "sent" && r;
    });
    await waitForEmailJobs(app.runtime.queue);

    expect(smtp.received.length - before).toBe(1);
    // The server lowercases domains in the envelope; the row keeps the addresses as configured.
    expect(smtp.received.at(-1)!.envelope.to).toEqual(["ops@example.com", "Team@example.com"]);
    expect(row.recipients).toEqual(["ops@example.com", "Team@Example.com"]);
    expect(row).toMatchObject({ status: "sent", attempts: 2 });
    expect(row.lastError).toMatch(
      /^The mail server smtp:\/\/127\.0\.0\.1:\d+ did not accept the email \(451 Mailbox busy, try again later\)/,
    );
    const [repository] = await db.select().from(repositories).where(eq(repositories.id, 201));
    expect(repository).toMatchObject({ status: "complete", lastError: null });
  });

  it("sends once when two workers handle the same batch at the same moment", async () => {
    const { db } = database;
    await seedInstallation(
      db,
      {
        id: 50,
        login: "hooli",
        notifyEmails: ["x@hooli.test"],
        repositories: [{ id: 501, fullName: "hooli/nucleus" }],
      },
      "installation:50:a",
    );
    await finishFirstSync(db, 501);
    await db.insert(emailNotifications).values({ installationId: 50, batchKey: "installation:50:a" });
    const before = smtp.received.length;
    const send = async () =>
      sendCompletionEmail({
        db,
        driver: createSmtpDriver({ url: smtp.url }),
        templates: await loadCompletionTemplates(),
        installationId: 50,
        batchKey: "installation:50:a",
        mailFrom: "pr-sync@example.com",
        notifyEmails: [],
        publicUrl: PUBLIC_URL,
        windowDays: 30,
        now: new Date(),
        isLastAttempt: () => false,
        log: app.runtime.log,
      });

    const outcomes = await Promise.all([send(), send()]);

    expect(outcomes.sort()).toEqual(["already_sent", "sent"]);
    expect(smtp.received.length - before).toBe(1);
    expect(await notificationRow(db, "installation:50:a")).toMatchObject({ status: "sent" });
  });
});

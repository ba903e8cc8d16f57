import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { emailNotifications, installations, pullRequests, repositories, reviews } from "../../../src/db/schema.js";
import type { Database } from "../../../src/db/client.js";
import { refreshFirstReviewAt } from "../../../src/modules/pull-requests/pull-requests.repository.js";

export interface ReceivedEmail {
  envelope: { from: string; to: string[] };
  mail: ParsedMail;
}

export interface TestSmtpServer {
  url: string;
  received: ReceivedEmail[];
  /** Answers the next `count` messages with a temporary failure (451). */
  refuseNext: (count: number) => void;
  close: () => Promise<void>;
}

/** A real SMTP server on loopback that keeps every message it accepts. */
export async function startSmtpServer(): Promise<TestSmtpServer> {
  const received: ReceivedEmail[] = [];
  let refusals = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        if (refusals > 0) {
          refusals -= 1;
          return callback(Object.assign(new Error("Mailbox busy, try again later"), { responseCode: 451 }));
        }
        simpleParser(Buffer.concat(chunks)).then((mail) => {
          const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : "";
          received.push({ envelope: { from, to: session.envelope.rcptTo.map((r) => r.address) }, mail });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    refuseNext: (count) => {
      refusals = count;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const HOUR = 3_600_000;

/** An installation with repositories tracked in one batch, none of them finished yet. */
export async function seedInstallation(
  db: Database,
  options: { id: number; login: string; notifyEmails?: string[]; repositories: { id: number; fullName: string }[] },
  batchKey: string,
) {
  await db
    .insert(installations)
    .values({
      id: options.id,
      accountLogin: options.login,
      accountId: options.id * 10,
      accountType: "Organization",
      notifyEmails: options.notifyEmails ?? [],
    })
    .onConflictDoNothing();
  await addRepositories(db, options.id, options.repositories, batchKey);
}

export async function addRepositories(
  db: Database,
  installationId: number,
  list: { id: number; fullName: string }[],
  batchKey: string,
) {
  await db.insert(repositories).values(
    list.map((r) => ({
      id: r.id,
      installationId,
      fullName: r.fullName,
      status: "syncing" as const,
      notificationBatch: batchKey,
    })),
  );
}

/** A merged pull request `createdHoursAgo` old that took `cycleHours`, with a review after `reviewAfterHours`. */
export async function seedMergedPullRequest(
  db: Database,
  options: {
    id: number;
    repositoryId: number;
    number: number;
    title: string;
    createdHoursAgo: number;
    cycleHours: number;
    reviewAfterHours?: number;
  },
) {
  const now = Date.now();
  const createdAt = new Date(now - options.createdHoursAgo * HOUR);
  const mergedAt = new Date(createdAt.getTime() + options.cycleHours * HOUR);
  await db.insert(pullRequests).values({
    id: options.id,
    repositoryId: options.repositoryId,
    number: options.number,
    title: options.title,
    authorLogin: "alice",
    authorId: 1,
    state: "closed",
    merged: true,
    createdAt,
    updatedAt: mergedAt,
    closedAt: mergedAt,
    mergedAt,
    baseRef: "main",
    headRef: `topic-${options.number}`,
    url: `https://github.test/pull/${options.number}`,
  });
  if (options.reviewAfterHours !== undefined) {
    await db.insert(reviews).values({
      id: options.id * 10,
      pullRequestId: options.id,
      reviewerLogin: "bob",
      reviewerId: 2,
      state: "APPROVED",
      submittedAt: new Date(createdAt.getTime() + options.reviewAfterHours * HOUR),
    });
    await refreshFirstReviewAt(db, [options.id]);
  }
}

/** What the sync does when a repository's first backfill ends. */
export async function finishFirstSync(
  db: Database,
  repositoryId: number,
  outcome: { status: "complete" | "error"; lastError?: string } = { status: "complete" },
) {
  await db
    .update(repositories)
    .set({ status: outcome.status, lastError: outcome.lastError ?? null, initialSyncFinishedAt: new Date() })
    .where(eq(repositories.id, repositoryId));
}

export async function notificationRow(db: Database, batchKey: string) {
  const [row] = await db.select().from(emailNotifications).where(eq(emailNotifications.batchKey, batchKey));
  return row;
}

export async function waitFor<T>(read: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

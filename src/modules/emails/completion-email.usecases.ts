import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { Database } from "../../db/client.js";
import type { CompletionEmailJobData } from "./emails.jobs.js";
import type { JobQueue } from "../../jobs/job-queue.js";
import { readInsightsHeadline } from "../insights/insights.usecases.js";
import { getInstallation } from "../installations/installations.repository.js";
import { installationPageUrl } from "../../links.js";
import { renderCompletionEmail, type CompletionTemplates } from "./completion-email.render.js";
import type { EmailDriver } from "./drivers/email-driver.js";
import {
  ensureNotification,
  getNotification,
  listBatchRepositories,
  listFinishedBatches,
  markNoRecipients,
  recordAttempt,
  recordFailure,
  sendOnce,
} from "./emails.repository.js";

/**
 * Queues the completion email of every batch of the installation whose repositories have all finished their
 * first sync. Called after each repository's first sync ends; safe to call any number of times: the row per
 * batch is created once, and a batch already sent (or without recipients) is not queued again.
 */
export async function notifyIfInitialSyncComplete(options: {
  db: Database;
  queue: JobQueue;
  installationId: number;
}): Promise<string[]> {
  const { db, queue, installationId } = options;
  const queued: string[] = [];
  for (const batchKey of await listFinishedBatches(db, installationId)) {
    const row = await ensureNotification(db, installationId, batchKey);
    // A pending row is queued again in case an earlier enqueue was lost; the job is unique per batch.
    if (row.status !== "pending") continue;
    const data: CompletionEmailJobData = { installationId, batchKey };
    await queue.enqueue("email.completion", data);
    queued.push(batchKey);
  }
  return queued;
}

/** Installation addresses plus the configured ones, each once (compared without case). */
export function completionRecipients(installationEmails: string[], configured: string[]): string[] {
  const seen = new Map<string, string>();
  for (const address of [...installationEmails, ...configured]) {
    const trimmed = address.trim();
    if (trimmed && !seen.has(trimmed.toLowerCase())) seen.set(trimmed.toLowerCase(), trimmed);
  }
  return [...seen.values()];
}

/** The same Message-ID for every try of a batch, so a copy sent twice is recognisably one message. */
export function completionMessageId(batchKey: string, publicUrl: string): string {
  const digest = createHash("sha256").update(batchKey).digest("hex").slice(0, 32);
  return `<completion.${digest}@${new URL(publicUrl).hostname}>`;
}

export type CompletionEmailOutcome = "sent" | "already_sent" | "no_recipients" | "not_found";

type SendOptions = {
  db: Database;
  driver: EmailDriver;
  templates: CompletionTemplates;
  installationId: number;
  batchKey: string;
  mailFrom: string;
  notifyEmails: string[];
  publicUrl: string;
  windowDays: number;
  now: Date;
  isLastAttempt: (error: unknown) => boolean;
  log: Logger;
};

/** The email of a batch, addressed to `recipients`: its repositories with the insights headline. */
async function composeEmail(options: SendOptions, accountLogin: string, recipients: string[]) {
  const { db, installationId, batchKey } = options;
  const repositories = await listBatchRepositories(db, installationId, batchKey);
  const headline = await readInsightsHeadline({
    db,
    repositoryIds: repositories.map((r) => r.id),
    now: options.now,
    windowDays: options.windowDays,
  });
  const slowest = new Map(headline.slowestMerges.map((s) => [s.repositoryId, s]));
  const rendered = renderCompletionEmail(
    {
      accountLogin,
      windowDays: options.windowDays,
      statusUrl: installationPageUrl(options.publicUrl, installationId),
      repositories: repositories.map((r) => ({ ...r, slowestMerge: slowest.get(r.id) ?? null })),
      headline,
    },
    options.templates,
  );
  return {
    from: options.mailFrom,
    to: recipients,
    messageId: completionMessageId(batchKey, options.publicUrl),
    ...rendered,
  };
}

/**
 * Sends the completion email of one batch at most once. A delivery failure is recorded on the row
 * (attempts, last error; status failed on the last try) and rethrown for the job queue to retry.
 */
export async function sendCompletionEmail(options: SendOptions): Promise<CompletionEmailOutcome> {
  const { db, driver, batchKey, installationId, log } = options;
  const row = await getNotification(db, batchKey);
  const installation = await getInstallation(db, installationId);
  if (!row || !installation) return "not_found";
  if (row.status === "sent" || row.status === "no_recipients") return "already_sent";

  const recipients = completionRecipients(installation.notifyEmails, options.notifyEmails);
  if (recipients.length === 0) {
    await markNoRecipients(db, batchKey);
    log.warn({ installationId, batchKey }, "completion email not sent: no recipients (set NOTIFY_EMAILS)");
    return "no_recipients";
  }
  const email = await composeEmail(options, installation.accountLogin, recipients);

  await recordAttempt(db, batchKey, { recipients, subject: email.subject, messageId: email.messageId });
  let location = "";
  try {
    const sent = await sendOnce(db, batchKey, options.now, async () => {
      ({ location } = await driver.send(email));
    });
    if (!sent) return "already_sent";
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await recordFailure(db, batchKey, { lastError: message, final: options.isLastAttempt(error) });
    throw error;
  }
  log.info(
    { installationId, batchKey, recipients: recipients.length, location },
    `completion email sent to ${location}`,
  );
  return "sent";
}

import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { emailNotifications } from "./emails.table.js";

export type EmailNotificationRow = typeof emailNotifications.$inferSelect;

/**
 * Batches of the installation whose active repositories have all finished their first sync
 * (complete or error). Nothing for a deleted installation.
 */
export async function listFinishedBatches(db: Database, installationId: number): Promise<string[]> {
  const result = await db.execute<{ batch: string }>(sql`
    SELECT r.notification_batch AS batch
      FROM repositories r
      JOIN installations i ON i.id = r.installation_id
     WHERE r.installation_id = ${installationId}
       AND r.active
       AND r.notification_batch IS NOT NULL
       AND i.deleted_at IS NULL
     GROUP BY r.notification_batch
    HAVING bool_and(r.initial_sync_finished_at IS NOT NULL)
     ORDER BY r.notification_batch`);
  return result.rows.map((r) => r.batch);
}

/** Creates the pending row of a batch unless it exists; returns the row either way. */
export async function ensureNotification(
  db: Database,
  installationId: number,
  batchKey: string,
): Promise<EmailNotificationRow> {
  await db.insert(emailNotifications).values({ installationId, batchKey }).onConflictDoNothing();
  return (await getNotification(db, batchKey))!;
}

export async function getNotification(db: Database, batchKey: string): Promise<EmailNotificationRow | undefined> {
  const [row] = await db.select().from(emailNotifications).where(eq(emailNotifications.batchKey, batchKey));
  return row;
}

/** Notes a try before sending, so a crash mid-send leaves the Message-ID and attempt count behind. */
export async function recordAttempt(
  db: Database,
  batchKey: string,
  email: { recipients: string[]; subject: string; messageId: string },
): Promise<void> {
  await db
    .update(emailNotifications)
    .set({ ...email, attempts: sql`${emailNotifications.attempts} + 1` })
    .where(eq(emailNotifications.batchKey, batchKey));
}

export async function markNoRecipients(db: Database, batchKey: string): Promise<void> {
  await db
    .update(emailNotifications)
    .set({ status: "no_recipients", recipients: [] })
    .where(and(eq(emailNotifications.batchKey, batchKey), eq(emailNotifications.status, "pending")));
}

export async function recordFailure(
  db: Database,
  batchKey: string,
  failure: { lastError: string; final: boolean },
): Promise<void> {
  await db
    .update(emailNotifications)
    .set({ lastError: failure.lastError, ...(failure.final ? { status: "failed" as const } : {}) })
    .where(eq(emailNotifications.batchKey, batchKey));
}

/**
 * Runs `send` while holding the notification row, unless it was sent already, and marks it sent in the
 * same transaction: two workers on the same batch cannot both send. Returns false when it was sent before.
 */
export async function sendOnce(
  db: Database,
  batchKey: string,
  sentAt: Date,
  send: () => Promise<void>,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ status: emailNotifications.status })
      .from(emailNotifications)
      .where(eq(emailNotifications.batchKey, batchKey))
      .for("update");
    if (!row || row.status === "sent" || row.status === "no_recipients") return false;
    await send();
    await tx
      .update(emailNotifications)
      .set({ status: "sent", sentAt })
      .where(eq(emailNotifications.batchKey, batchKey));
    return true;
  });
}

export interface BatchRepository {
  id: number;
  fullName: string;
  status: string;
  lastError: string | null;
  pullRequests: number;
  reviews: number;
}

/** The active repositories of a batch with how many pull requests and reviews are stored for each. */
export async function listBatchRepositories(
  db: Database,
  installationId: number,
  batchKey: string,
): Promise<BatchRepository[]> {
  const result = await db.execute<{
    id: string | number;
    full_name: string;
    status: string;
    last_error: string | null;
    pull_requests: number;
    reviews: number;
  }>(sql`
    SELECT r.id, r.full_name, r.status, r.last_error,
           (SELECT count(*)::int FROM pull_requests p WHERE p.repository_id = r.id) AS pull_requests,
           (SELECT count(*)::int FROM reviews v JOIN pull_requests p ON p.id = v.pull_request_id
             WHERE p.repository_id = r.id) AS reviews
      FROM repositories r
     WHERE r.installation_id = ${installationId} AND r.notification_batch = ${batchKey} AND r.active
     ORDER BY r.full_name`);
  return result.rows.map((r) => ({
    id: Number(r.id),
    fullName: r.full_name,
    status: r.status,
    lastError: r.last_error,
    pullRequests: r.pull_requests,
    reviews: r.reviews,
  }));
}

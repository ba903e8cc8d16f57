import { bigint, bigserial, integer, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { installations } from "../installations/installations.table.js";

/** One row per completion email; the unique batch key makes sending at most once per batch. */
export const emailNotifications = pgTable(
  "email_notifications",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    installationId: bigint("installation_id", { mode: "number" })
      .notNull()
      .references(() => installations.id, { onDelete: "cascade" }),
    batchKey: text("batch_key").notNull(),
    status: text("status").$type<"pending" | "sent" | "failed" | "no_recipients">().notNull().default("pending"),
    recipients: text("recipients").array().notNull().default([]),
    subject: text("subject"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    messageId: text("message_id"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("email_notifications_batch_idx").on(t.batchKey)],
);

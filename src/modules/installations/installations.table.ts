import { bigint, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

export const installations = pgTable("installations", {
  id: bigint("id", { mode: "number" }).primaryKey(),
  accountLogin: text("account_login").notNull(),
  accountId: bigint("account_id", { mode: "number" }).notNull(),
  accountType: text("account_type").$type<"Organization" | "User">().notNull(),
  repositorySelection: text("repository_selection").$type<"all" | "selected">().notNull().default("selected"),
  permissions: jsonb("permissions").$type<Record<string, string>>().notNull().default({}),
  suspendedAt: timestamp("suspended_at", { withTimezone: true }),
  deletedAt: timestamp("deleted_at", { withTimezone: true }),
  credentialsInvalidAt: timestamp("credentials_invalid_at", { withTimezone: true }),
  permissionsAcceptedAt: timestamp("permissions_accepted_at", { withTimezone: true }),
  memberSyncStatus: text("member_sync_status")
    .$type<"pending" | "syncing" | "paused" | "complete" | "error" | "not_applicable">()
    .notNull()
    .default("pending"),
  memberSyncStartedAt: timestamp("member_sync_started_at", { withTimezone: true }),
  memberSyncCompletedAt: timestamp("member_sync_completed_at", { withTimezone: true }),
  memberSyncPausedUntil: timestamp("member_sync_paused_until", { withTimezone: true }),
  memberCount: integer("member_count"),
  memberSyncError: text("member_sync_error"),
  notifyEmails: text("notify_emails").array().notNull().default([]),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
